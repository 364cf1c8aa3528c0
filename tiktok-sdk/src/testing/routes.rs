//! The fake's responses, one function per endpoint, shaped after TikTok's
//! documented responses.

use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::{Value, json};
use wiremock::{Request, Respond, ResponseTemplate};

use super::state::{Destination, FakePost, Source, State, check_chunk_rules};
use super::{oauth, upload};
use crate::model::PrivacyLevel;

/// One endpoint of the fake.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Route {
    CreatorInfo,
    VideoInit,
    InboxInit,
    ContentInit,
    Status,
    Cancel,
    Chunk,
    Token,
}

/// The responder of one route, reading and updating the shared state.
pub(crate) struct Responder {
    pub(crate) route: Route,
    pub(crate) state: Arc<Mutex<State>>,
}

impl Respond for Responder {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        match self.route {
            Route::Chunk => return upload::chunk(&mut state, request),
            Route::Token => return oauth::token(&mut state, request),
            _ => {}
        }
        if let Some(rejection) = check_bearer(&mut state, request) {
            return rejection;
        }
        let body: Value = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
        match self.route {
            Route::CreatorInfo => creator_info(&mut state),
            Route::VideoInit => video_init(&mut state, &body, Destination::Direct),
            Route::InboxInit => video_init(&mut state, &body, Destination::Inbox),
            Route::ContentInit => content_init(&mut state, &body),
            Route::Status => status(&mut state, &body),
            Route::Cancel => cancel(&mut state, &body),
            Route::Chunk | Route::Token => ResponseTemplate::new(500),
        }
    }
}

pub(super) type Guard<'a> = MutexGuard<'a, State>;

fn ok(state: &mut Guard<'_>, data: Value) -> ResponseTemplate {
    let log_id = state.log_id();
    ResponseTemplate::new(200).set_body_json(json!({
        "data": data,
        "error": {"code": "ok", "message": "", "log_id": log_id},
    }))
}

fn error(state: &mut Guard<'_>, status: u16, code: &str, message: &str) -> ResponseTemplate {
    let log_id = state.log_id();
    ResponseTemplate::new(status).set_body_json(json!({
        "data": {},
        "error": {"code": code, "message": message, "log_id": log_id},
    }))
}

fn check_bearer(state: &mut Guard<'_>, request: &Request) -> Option<ResponseTemplate> {
    let expected = format!("Bearer {}", state.access_token);
    let provided = request
        .headers
        .get("authorization")
        .and_then(|v| v.to_str().ok());
    if provided == Some(expected.as_str()) {
        return None;
    }
    Some(error(
        state,
        401,
        "access_token_invalid",
        "The access token is invalid or not found in the request.",
    ))
}

fn creator_info(state: &mut Guard<'_>) -> ResponseTemplate {
    state.counts.creator_info += 1;
    if let Some(scripted) = state.settings.creator_error.clone() {
        return error(state, scripted.status, &scripted.code, &scripted.message);
    }
    let data = serde_json::to_value(&state.settings.creator).unwrap_or(Value::Null);
    ok(state, data)
}

fn video_init(state: &mut Guard<'_>, body: &Value, destination: Destination) -> ResponseTemplate {
    state.counts.init += 1;
    if let Some(scripted) = state.settings.init_error.clone() {
        return error(state, scripted.status, &scripted.code, &scripted.message);
    }
    let public = match (destination, body.get("post_info")) {
        (Destination::Direct, Some(post_info)) => match check_privacy(state, post_info) {
            Ok(public) => public,
            Err((status, code, message)) => return error(state, status, code, message),
        },
        (Destination::Inbox, None) => false,
        _ => {
            return error(
                state,
                400,
                "invalid_param",
                "post_info is required for direct posts only.",
            );
        }
    };
    let source_info = body.get("source_info").cloned().unwrap_or(Value::Null);
    let post = match source_post(&source_info, destination, public) {
        Ok(post) => post,
        Err(message) => return error(state, 400, "invalid_param", &message),
    };
    let prefix = match (destination, post.source) {
        (Destination::Direct, Source::FileUpload) => "v_pub_file",
        (Destination::Direct, Source::PullFromUrl) => "v_pub_url",
        (Destination::Inbox, Source::FileUpload) => "v_inbox_file",
        (Destination::Inbox, Source::PullFromUrl) => "v_inbox_url",
    };
    let (publish_id, upload_url) = state.create_post(prefix, post);
    let mut data = json!({ "publish_id": publish_id });
    if let Some(url) = upload_url {
        data["upload_url"] = json!(url);
    }
    ok(state, data)
}

/// A rejection: HTTP status, TikTok code and message.
type Rejection = (u16, &'static str, &'static str);

/// Returns whether the post is public, or the rejection of its privacy level.
fn check_privacy(state: &State, post_info: &Value) -> Result<bool, Rejection> {
    let level = post_info
        .get("privacy_level")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if !state
        .settings
        .creator
        .allows(&PrivacyLevel::from_name(level))
    {
        return Err((
            403,
            "privacy_level_option_mismatch",
            "privacy_level is not among the options.",
        ));
    }
    if state.settings.unaudited && state.account_is_public() {
        return Err((
            403,
            "unaudited_client_can_only_post_to_private_accounts",
            "Please review our integration guidelines.",
        ));
    }
    Ok(level == "PUBLIC_TO_EVERYONE")
}

fn source_post(
    source_info: &Value,
    destination: Destination,
    public: bool,
) -> Result<FakePost, String> {
    let number = |key: &str| source_info.get(key).and_then(Value::as_u64).unwrap_or(0);
    let mut post = FakePost {
        destination,
        source: Source::FileUpload,
        public,
        video_size: number("video_size"),
        chunk_size: number("chunk_size"),
        chunk_count: number("total_chunk_count"),
        upload_token: String::new(),
        received: Vec::new(),
        upload_complete: false,
        status_polls: 0,
        cancelled: false,
    };
    match source_info.get("source").and_then(Value::as_str) {
        Some("FILE_UPLOAD") => {
            check_chunk_rules(post.video_size, post.chunk_size, post.chunk_count)?;
            Ok(post)
        }
        Some("PULL_FROM_URL") => {
            let url = source_info
                .get("video_url")
                .and_then(Value::as_str)
                .unwrap_or_default();
            if !url.starts_with("https://") {
                return Err("video_url must be an https URL.".to_owned());
            }
            post.source = Source::PullFromUrl;
            Ok(post)
        }
        _ => Err("source must be FILE_UPLOAD or PULL_FROM_URL.".to_owned()),
    }
}

fn content_init(state: &mut Guard<'_>, body: &Value) -> ResponseTemplate {
    state.counts.init += 1;
    if let Some(scripted) = state.settings.init_error.clone() {
        return error(state, scripted.status, &scripted.code, &scripted.message);
    }
    let images = body
        .pointer("/source_info/photo_images")
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    if body.get("media_type").and_then(Value::as_str) != Some("PHOTO")
        || !(1..=35).contains(&images)
    {
        return error(
            state,
            400,
            "invalid_param",
            "media_type must be PHOTO with 1 to 35 photo_images.",
        );
    }
    let (destination, public) = match body.get("post_mode").and_then(Value::as_str) {
        Some("DIRECT_POST") => {
            match check_privacy(state, body.get("post_info").unwrap_or(&Value::Null)) {
                Ok(public) => (Destination::Direct, public),
                Err((status, code, message)) => return error(state, status, code, message),
            }
        }
        Some("MEDIA_UPLOAD") => (Destination::Inbox, false),
        _ => {
            return error(
                state,
                400,
                "invalid_param",
                "post_mode must be DIRECT_POST or MEDIA_UPLOAD.",
            );
        }
    };
    let post = FakePost {
        destination,
        source: Source::PullFromUrl,
        public,
        video_size: 0,
        chunk_size: 0,
        chunk_count: 0,
        upload_token: String::new(),
        received: Vec::new(),
        upload_complete: false,
        status_polls: 0,
        cancelled: false,
    };
    let (publish_id, _) = state.create_post("p_pub_url", post);
    ok(state, json!({ "publish_id": publish_id }))
}

fn status(state: &mut Guard<'_>, body: &Value) -> ResponseTemplate {
    state.counts.status += 1;
    let id = body
        .get("publish_id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let processing_polls = state.settings.processing_polls;
    let fail_reason = state.settings.fail_reason.clone();
    let Some(post) = state.posts.get_mut(&id) else {
        return error(
            state,
            400,
            "invalid_publish_id",
            "The publish_id does not exist.",
        );
    };
    let data = if post.cancelled {
        json!({"status": "FAILED", "fail_reason": "publish_cancelled"})
    } else if post.source == Source::FileUpload && !post.upload_complete {
        json!({"status": "PROCESSING_UPLOAD", "uploaded_bytes": post.received.len()})
    } else if post.status_polls < processing_polls {
        post.status_polls += 1;
        match post.source {
            Source::FileUpload => {
                json!({"status": "PROCESSING_UPLOAD", "uploaded_bytes": post.video_size})
            }
            Source::PullFromUrl => json!({"status": "PROCESSING_DOWNLOAD", "downloaded_bytes": 0}),
        }
    } else if let Some(reason) = fail_reason {
        json!({"status": "FAILED", "fail_reason": reason, "publicaly_available_post_id": []})
    } else if post.destination == Destination::Inbox {
        json!({"status": "SEND_TO_USER_INBOX", "publicaly_available_post_id": []})
    } else {
        // A public post gets an id above 2^53, as TikTok's int64 ids do.
        let ids = if post.public {
            json!([7_345_678_901_234_567_890u64])
        } else {
            json!([])
        };
        json!({"status": "PUBLISH_COMPLETE", "publicaly_available_post_id": ids})
    };
    ok(state, data)
}

fn cancel(state: &mut Guard<'_>, body: &Value) -> ResponseTemplate {
    state.counts.cancel += 1;
    let id = body
        .get("publish_id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let cancellable = match state.posts.get_mut(&id) {
        None => {
            return error(
                state,
                400,
                "invalid_publish_id",
                "The publish_id does not exist.",
            );
        }
        Some(post) => {
            let cancellable = post.source == Source::PullFromUrl && !post.cancelled;
            post.cancelled |= cancellable;
            cancellable
        }
    };
    if !cancellable {
        return error(
            state,
            400,
            "publish_not_cancellable",
            "The publish task cannot be cancelled.",
        );
    }
    let log_id = state.log_id();
    ResponseTemplate::new(200)
        .set_body_json(json!({"error": {"code": "ok", "message": "", "log_id": log_id}}))
}
