//! The fake's stateful request router.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};
use wiremock::{Request, Respond, ResponseTemplate};

use super::form::Form;
use super::{FakeGraph, graph_error, graph_error_body};

/// The fake's state between requests.
#[derive(Debug)]
pub(super) struct State {
    next_id: u64,
    pub(super) posts: Vec<(String, Value)>,
    pub(super) videos: HashMap<String, Video>,
    sessions: HashMap<String, String>,
    uploads: HashMap<String, (u64, Vec<u8>)>,
    handles: HashMap<String, Vec<u8>>,
    pub(super) chunk_size: u64,
    pub(super) fail_chunk_at: Option<u64>,
    pub(super) processing_polls: u32,
    pub(super) token_type: String,
    pub(super) scopes: Vec<String>,
    pub(super) expires_at: u64,
    pub(super) rupload_base: Option<String>,
}

#[derive(Debug, Default)]
pub(super) struct Video {
    pub(super) bytes: Vec<u8>,
    size: u64,
    finished: bool,
    polls_left: u32,
}

impl State {
    pub(super) fn new() -> State {
        State {
            next_id: 100_000_000_000_000_000,
            posts: Vec::new(),
            videos: HashMap::new(),
            sessions: HashMap::new(),
            uploads: HashMap::new(),
            handles: HashMap::new(),
            chunk_size: 256 * 1024,
            fail_chunk_at: None,
            processing_polls: 2,
            token_type: "PAGE".to_owned(),
            scopes: [
                "pages_show_list",
                "pages_manage_posts",
                "pages_read_engagement",
                "publish_video",
            ]
            .map(str::to_owned)
            .to_vec(),
            expires_at: 0,
            rupload_base: None,
        }
    }

    fn id(&mut self) -> String {
        self.next_id += 1;
        self.next_id.to_string()
    }

    fn new_video(&mut self, size: u64) -> String {
        let id = self.id();
        let polls_left = self.processing_polls;
        self.videos.insert(
            id.clone(),
            Video {
                size,
                polls_left,
                ..Video::default()
            },
        );
        id
    }
}

/// The responder that handles every request the way Graph does.
pub(super) struct Router {
    state: Arc<Mutex<State>>,
}

impl Router {
    pub(super) fn new(state: Arc<Mutex<State>>) -> Router {
        Router { state }
    }
}

impl Respond for Router {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        route(&mut state, request)
    }
}

const PAGE: &str = FakeGraph::PAGE_ID;

fn route(state: &mut State, request: &Request) -> ResponseTemplate {
    let path = request.url.path().to_owned();
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let method = request.method.as_str();
    match segments.as_slice() {
        ["graph", version, rest @ ..] if is_version(version) => graph(state, request, method, rest),
        ["graph-video", version, page, "videos"] if is_version(version) && *page == PAGE => {
            with_token(request, FakeGraph::PAGE_TOKEN, || {
                video_host(state, request)
            })
        }
        ["rupload", "video-upload", version, video_id]
            if is_version(version) && method == "POST" =>
        {
            with_token(request, FakeGraph::PAGE_TOKEN, || {
                rupload(state, request, video_id)
            })
        }
        _ => not_found(&path),
    }
}

fn graph(state: &mut State, request: &Request, method: &str, rest: &[&str]) -> ResponseTemplate {
    let page_token = FakeGraph::PAGE_TOKEN;
    match (method, rest) {
        ("GET", ["debug_token"]) => debug_token(state, request),
        ("GET", ["oauth", "access_token"]) => ResponseTemplate::new(200).set_body_json(json!({
            "access_token": "EAAfakeLongLivedUserToken", "token_type": "bearer", "expires_in": 5_183_944,
        })),
        ("GET", ["me", "accounts"]) => with_token(request, FakeGraph::USER_TOKEN, || {
            ok(json!({"data": [{"id": PAGE, "name": "Fake Page", "access_token": page_token,
                "tasks": ["ANALYZE", "ADVERTISE", "MODERATE", "CREATE_CONTENT", "MANAGE"]}],
                "paging": {"cursors": {"before": "B", "after": "A"}}}))
        }),
        ("GET", [page]) if *page == PAGE => with_token(request, FakeGraph::USER_TOKEN, || {
            ok(json!({"access_token": page_token, "id": PAGE}))
        }),
        ("POST", [page, "feed"]) if *page == PAGE => with_token(request, page_token, || create_post(state, request)),
        ("GET", [page, "feed"]) if *page == PAGE => with_token(request, page_token, || list_posts(state)),
        ("POST", [page, "photos"]) if *page == PAGE => with_token(request, page_token, || photo(state, request)),
        ("POST", [page, "video_reels"]) if *page == PAGE => with_token(request, page_token, || reels(state, request)),
        ("POST", [app, "uploads"]) if *app == FakeGraph::APP_ID => open_upload(state, request),
        ("POST", [session]) if session.starts_with("upload:") => upload_bytes(state, request, session),
        ("GET", [session]) if session.starts_with("upload:") => match state.uploads.get(*session) {
            Some((_, bytes)) => ok(json!({"id": session, "file_offset": bytes.len()})),
            None => not_found(session),
        },
        ("GET", [id]) if query(request, "fields").as_deref() == Some("status") => {
            with_token(request, page_token, || video_status(state, id))
        }
        ("GET", [id]) => with_token(request, page_token, || read_post(state, id)),
        ("POST", [id]) => with_token(request, page_token, || update_post(state, request, id)),
        ("DELETE", [id]) => with_token(request, page_token, || delete_post(state, id)),
        _ => not_found(&rest.join("/")),
    }
}

fn debug_token(state: &State, request: &Request) -> ResponseTemplate {
    let input = query(request, "input_token").unwrap_or_default();
    let (token_type, valid) = match input.as_str() {
        FakeGraph::PAGE_TOKEN => (state.token_type.as_str(), true),
        FakeGraph::USER_TOKEN => ("USER", true),
        _ => ("USER", false),
    };
    let mut data = json!({
        "app_id": FakeGraph::APP_ID, "type": token_type, "application": "Fake App",
        "is_valid": valid, "expires_at": state.expires_at, "issued_at": 1_700_000_000u64,
        "scopes": state.scopes, "user_id": "42",
    });
    if !valid {
        data["error"] =
            json!({"code": 190, "subcode": 467, "message": "Invalid OAuth access token."});
    }
    ok(json!({ "data": data }))
}

fn create_post(state: &mut State, request: &Request) -> ResponseTemplate {
    let body: Value = serde_json::from_slice(&request.body).unwrap_or_else(|_| {
        let form = Form::read(request);
        json!({"message": form.text("message"), "link": form.text("link")})
    });
    let id = format!("{PAGE}_{}", state.id());
    state.posts.push((id.clone(), body));
    ok(json!({"id": id, "permalink_url": format!("https://www.facebook.com/{id}")}))
}

fn list_posts(state: &State) -> ResponseTemplate {
    let data: Vec<Value> = state
        .posts
        .iter()
        .rev()
        .map(|(id, body)| json!({"id": id, "message": body.get("message"), "created_time": "2026-11-20T10:00:00+0000"}))
        .collect();
    ok(json!({ "data": data }))
}

fn read_post(state: &State, id: &str) -> ResponseTemplate {
    match state.posts.iter().find(|(post_id, _)| post_id == id) {
        Some((id, body)) => ok(json!({"id": id, "message": body.get("message"),
            "created_time": "2026-11-20T10:00:00+0000",
            "permalink_url": format!("https://www.facebook.com/{id}")})),
        None => not_found(id),
    }
}

fn update_post(state: &mut State, request: &Request, id: &str) -> ResponseTemplate {
    let message = Form::read(request).text("message");
    match state.posts.iter_mut().find(|(post_id, _)| post_id == id) {
        Some((_, body)) => {
            body["message"] = json!(message);
            ok(json!({"success": true}))
        }
        None => not_found(id),
    }
}

fn delete_post(state: &mut State, id: &str) -> ResponseTemplate {
    let before = state.posts.len();
    state.posts.retain(|(post_id, _)| post_id != id);
    if state.posts.len() < before || state.videos.remove(id).is_some() {
        ok(json!({"success": true}))
    } else {
        not_found(id)
    }
}

fn photo(state: &mut State, request: &Request) -> ResponseTemplate {
    let form = Form::read(request);
    let has_image =
        form.bytes("source").is_some_and(|b| !b.is_empty()) || form.text("url").is_some();
    if !has_image {
        return graph_error(400, 324, Some(2_069_019), "(#324) Requires upload file");
    }
    let id = state.id();
    if form.text("published").as_deref() == Some("false")
        && form.text("scheduled_publish_time").is_none()
    {
        return ok(json!({"id": id}));
    }
    let post_id = format!("{PAGE}_{id}");
    state.posts.push((
        post_id.clone(),
        json!({"message": form.text("message"), "photo": id}),
    ));
    ok(json!({"id": id, "post_id": post_id}))
}

fn video_host(state: &mut State, request: &Request) -> ResponseTemplate {
    let form = Form::read(request);
    if let Some(handle) = form.text("fbuploader_video_file_chunk") {
        let Some(bytes) = state.handles.remove(&handle) else {
            return graph_error(400, 100, None, "(#100) Invalid file handle");
        };
        let id = state.new_video(bytes.len() as u64);
        if let Some(video) = state.videos.get_mut(&id) {
            video.bytes = bytes;
            video.finished = true;
        }
        return ok(json!({"id": id}));
    }
    match form.text("upload_phase").as_deref() {
        Some("start") => start_session(state, &form),
        Some("transfer") => transfer(state, &form),
        Some("finish") => finish_session(state, &form),
        _ => graph_error(400, 100, None, "(#100) upload_phase is required"),
    }
}

fn start_session(state: &mut State, form: &Form) -> ResponseTemplate {
    let Some(size) = form.text("file_size").and_then(|s| s.parse::<u64>().ok()) else {
        return graph_error(400, 100, None, "(#100) file_size is required");
    };
    let video_id = state.new_video(size);
    let session_id = state.id();
    state.sessions.insert(session_id.clone(), video_id.clone());
    let end = state.chunk_size.min(size);
    ok(
        json!({"video_id": video_id, "upload_session_id": session_id,
        "start_offset": "0", "end_offset": end.to_string()}),
    )
}

fn transfer(state: &mut State, form: &Form) -> ResponseTemplate {
    let session = form.text("upload_session_id").unwrap_or_default();
    let Some(video_id) = state.sessions.get(&session).cloned() else {
        return graph_error(
            400,
            6000,
            Some(1_363_030),
            "Your video upload timed out before it could be completed.",
        );
    };
    let start: u64 = form
        .text("start_offset")
        .and_then(|s| s.parse().ok())
        .unwrap_or(u64::MAX);
    let chunk = form.bytes("video_file_chunk").unwrap_or_default().to_vec();
    let chunk_size = state.chunk_size;
    let fail_here = state.fail_chunk_at == Some(start);
    let Some(video) = state.videos.get_mut(&video_id) else {
        return not_found(&video_id);
    };
    let expected = video.bytes.len() as u64;
    if fail_here || start != expected {
        state.fail_chunk_at = None;
        let end = (expected + chunk_size).min(video.size);
        let mut body = graph_error_body(
            6001,
            Some(1_363_037),
            "There was a problem uploading your video file. Please try again.",
        );
        body["error"]["error_data"] = json!({"start_offset": expected, "end_offset": end});
        return ResponseTemplate::new(400).set_body_json(body);
    }
    video.bytes.extend_from_slice(&chunk);
    let next = video.bytes.len() as u64;
    let end = (next + chunk_size).min(video.size);
    ok(json!({"start_offset": next.to_string(), "end_offset": end.to_string()}))
}

fn finish_session(state: &mut State, form: &Form) -> ResponseTemplate {
    let session = form.text("upload_session_id").unwrap_or_default();
    let Some(video) = state
        .sessions
        .get(&session)
        .and_then(|id| state.videos.get_mut(id))
    else {
        return graph_error(
            400,
            6000,
            Some(1_363_030),
            "Your video upload timed out before it could be completed.",
        );
    };
    if video.bytes.len() as u64 != video.size {
        return graph_error(
            400,
            6000,
            Some(1_363_045),
            "There was a problem uploading your video file. Please try again with another file.",
        );
    }
    video.finished = true;
    ok(json!({"success": true}))
}

fn video_status(state: &mut State, id: &str) -> ResponseTemplate {
    let Some(video) = state.videos.get_mut(id) else {
        return not_found(id);
    };
    let uploaded = video.bytes.len();
    let status = if !video.finished {
        json!({"video_status": "upload_in_progress",
            "uploading_phase": {"status": "in_progress", "bytes_transfered": uploaded}})
    } else if video.polls_left > 0 {
        video.polls_left -= 1;
        json!({"video_status": "processing", "uploading_phase": {"status": "complete"},
            "processing_phase": {"status": "in_progress"}})
    } else {
        json!({"video_status": "ready", "uploading_phase": {"status": "complete"},
            "processing_phase": {"status": "complete"}, "publishing_phase": {"status": "complete"}})
    };
    ok(json!({"id": id, "status": status}))
}

fn reels(state: &mut State, request: &Request) -> ResponseTemplate {
    let form = Form::read(request);
    match form.text("upload_phase").as_deref() {
        Some("start") => {
            let video_id = state.new_video(0);
            let base = state.rupload_base.clone().unwrap_or_default();
            let upload_url = format!("{base}video-upload/v26.0/{video_id}");
            ok(json!({"video_id": video_id, "upload_url": upload_url}))
        }
        Some("finish") => {
            let video_id = form.text("video_id").unwrap_or_default();
            let post_id = format!("{PAGE}_{}", state.id());
            match state.videos.get_mut(&video_id) {
                Some(video) if video.size > 0 && video.bytes.len() as u64 == video.size => {
                    video.finished = true;
                    ok(json!({"success": true, "post_id": post_id}))
                }
                _ => graph_error(400, 100, None, "(#100) The video was not uploaded"),
            }
        }
        _ => graph_error(400, 100, None, "(#100) upload_phase is required"),
    }
}

fn rupload(state: &mut State, request: &Request, video_id: &str) -> ResponseTemplate {
    let header = |name: &str| {
        request
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok())
    };
    let (Some(offset), Some(size)) = (header("offset"), header("file_size")) else {
        return rupload_error(
            400,
            false,
            "PartialRequestError",
            "offset and file_size headers are required",
        );
    };
    let Some(video) = state.videos.get_mut(video_id) else {
        return rupload_error(400, false, "ProcessingFailedError", "unknown video");
    };
    if offset != video.bytes.len() as u64 {
        return rupload_error(
            400,
            false,
            "OffsetInvalidError",
            "offset does not match the bytes received",
        );
    }
    if offset + request.body.len() as u64 != size {
        return rupload_error(
            400,
            false,
            "PartialRequestError",
            "body length does not match file_size",
        );
    }
    video.size = size;
    video.bytes.extend_from_slice(&request.body);
    ok(json!({"success": true, "message": "Upload successful."}))
}

fn open_upload(state: &mut State, request: &Request) -> ResponseTemplate {
    let Some(length) = query(request, "file_length").and_then(|v| v.parse::<u64>().ok()) else {
        return graph_error(400, 100, None, "(#100) file_length is required");
    };
    let id = format!("upload:{}", state.id());
    state.uploads.insert(id.clone(), (length, Vec::new()));
    ok(json!({"id": id}))
}

fn upload_bytes(state: &mut State, request: &Request, session: &str) -> ResponseTemplate {
    let oauth = request
        .headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("OAuth "));
    if !oauth {
        return graph_error(
            400,
            190,
            None,
            "Invalid OAuth access token: use the OAuth scheme",
        );
    }
    let offset = request
        .headers
        .get("file_offset")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let Some((length, bytes)) = state.uploads.get_mut(session) else {
        return not_found(session);
    };
    if offset != Some(bytes.len() as u64) {
        return graph_error(
            400,
            100,
            None,
            "(#100) file_offset does not match the bytes received",
        );
    }
    bytes.extend_from_slice(&request.body);
    if bytes.len() as u64 != *length {
        return graph_error(400, 100, None, "(#100) the upload is incomplete");
    }
    let handle = format!("handle:{session}");
    let data = bytes.clone();
    state.handles.insert(handle.clone(), data);
    ok(json!({"h": handle}))
}

fn with_token(
    request: &Request,
    expected: &str,
    respond: impl FnOnce() -> ResponseTemplate,
) -> ResponseTemplate {
    let header = request
        .headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let token = header
        .strip_prefix("Bearer ")
        .or_else(|| header.strip_prefix("OAuth "));
    if token == Some(expected) {
        respond()
    } else {
        graph_error(
            400,
            190,
            None,
            "Invalid OAuth access token - Cannot parse access token",
        )
    }
}

fn rupload_error(
    status: u16,
    retriable: bool,
    error_type: &str,
    message: &str,
) -> ResponseTemplate {
    let inner = json!({"success": false, "error": {"message": message}}).to_string();
    ResponseTemplate::new(status).set_body_json(
        json!({"debug_info": {"retriable": retriable, "type": error_type, "message": inner}}),
    )
}

fn query(request: &Request, name: &str) -> Option<String> {
    request
        .url
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

fn is_version(segment: &str) -> bool {
    segment.starts_with('v')
        && segment[1..]
            .split('.')
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

fn ok(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

fn not_found(what: &str) -> ResponseTemplate {
    graph_error(
        400,
        100,
        Some(33),
        &format!(
            "Unsupported request: object with ID '{what}' does not exist, cannot be loaded due to missing permissions, or does not support this operation"
        ),
    )
}
