//! The fake's state and its responses.

use std::collections::{HashMap, HashSet};

use serde_json::{Value, json};
use wiremock::{Request, ResponseTemplate};

use super::{CLIENT_ID, CLIENT_SECRET, Fault, INITIAL_ACCESS_TOKEN, REFRESH_TOKEN};

const GRANULE: u64 = 256 * 1024;

/// FNV-1a, 64 bits.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    pub(crate) fn update(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }

    pub(crate) fn value(&self) -> u64 {
        self.0
    }
}

/// One request the fake received.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LoggedRequest {
    /// HTTP method.
    pub method: String,
    /// Path, without the query.
    pub path: String,
    /// The upload session id, for requests to a session.
    pub session: Option<String>,
    /// The `Content-Range` header.
    pub content_range: Option<String>,
    /// Body length.
    pub body_len: usize,
    /// Status of the response (0 for a dropped connection).
    pub status: u16,
}

impl LoggedRequest {
    /// Tells whether this was a chunk `PUT` (not a status query).
    pub fn is_chunk(&self) -> bool {
        self.method == "PUT"
            && self
                .content_range
                .as_deref()
                .is_some_and(|r| !r.contains('*'))
    }

    /// Tells whether this was a status query.
    pub fn is_status_query(&self) -> bool {
        self.method == "PUT"
            && self
                .content_range
                .as_deref()
                .is_some_and(|r| r.contains('*'))
    }

    /// Tells whether this started an upload session.
    pub fn is_session_start(&self) -> bool {
        self.method == "POST" && self.path.ends_with("/upload/youtube/v3/videos")
    }

    /// Returns the first byte of a chunk.
    pub fn chunk_start(&self) -> Option<u64> {
        let range = self.content_range.as_deref()?.strip_prefix("bytes ")?;
        range.split('-').next()?.parse().ok()
    }
}

/// A video the fake holds.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct FakeVideo {
    /// The id.
    pub id: String,
    /// The resource as `videos.list` returns it.
    pub resource: Value,
    /// Bytes uploaded.
    pub bytes: u64,
    /// FNV-1a of the uploaded bytes (see [`super::digest_file`]).
    pub digest: u64,
    /// Size of the thumbnail set, if any.
    pub thumbnail_bytes: Option<u64>,
    /// Playlists the video was added to.
    pub playlists: Vec<String>,
}

impl FakeVideo {
    pub(crate) fn from_resource(id: &str, resource: Value) -> FakeVideo {
        FakeVideo {
            id: id.to_owned(),
            resource,
            bytes: 0,
            digest: Fnv::default().value(),
            thumbnail_bytes: None,
            playlists: Vec::new(),
        }
    }
}

#[derive(Debug)]
pub(crate) struct Session {
    total: u64,
    committed: u64,
    digest: Fnv,
    metadata: Value,
    expired: bool,
    video_id: Option<String>,
}

#[derive(Debug)]
pub(crate) struct State {
    pub(crate) base: String,
    pub(crate) faults: Vec<Fault>,
    pub(crate) valid_tokens: HashSet<String>,
    pub(crate) unverified: bool,
    pub(crate) videos: HashMap<String, FakeVideo>,
    pub(crate) sessions: HashMap<String, Session>,
    pub(crate) log: Vec<LoggedRequest>,
    pub(crate) violations: Vec<String>,
    pub(crate) token_requests: usize,
    chunks: u32,
    issued: u32,
    next_id: u32,
}

/// A response and its status, which the log records.
pub(crate) struct Reply {
    status: u16,
    template: ResponseTemplate,
}

fn reply(status: u16) -> Reply {
    Reply {
        status,
        template: ResponseTemplate::new(status),
    }
}

impl Reply {
    fn insert_header(mut self, name: &str, value: &str) -> Reply {
        self.template = self.template.insert_header(name, value);
        self
    }

    fn set_body_json(mut self, body: impl serde::Serialize) -> Reply {
        self.template = self.template.set_body_json(body);
        self
    }
}

fn google_error(status: u16, reason: &str, domain: &str, message: &str) -> Reply {
    reply(status).set_body_json(json!({
        "error": {
            "code": status,
            "message": message,
            "errors": [{ "message": message, "domain": domain, "reason": reason }],
        }
    }))
}

fn header<'a>(request: &'a Request, name: &str) -> Option<&'a str> {
    request.headers.get(name).and_then(|v| v.to_str().ok())
}

fn query(request: &Request, name: &str) -> Option<String> {
    request
        .url
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// `bytes a-b/total` or `bytes */total`.
fn parse_content_range(value: &str) -> Option<(Option<(u64, u64)>, u64)> {
    let rest = value.strip_prefix("bytes ")?;
    let (range, total) = rest.split_once('/')?;
    let total = total.parse().ok()?;
    if range == "*" {
        return Some((None, total));
    }
    let (a, b) = range.split_once('-')?;
    Some((Some((a.parse().ok()?, b.parse().ok()?)), total))
}

impl State {
    pub(crate) fn new(base: String) -> State {
        State {
            base,
            faults: Vec::new(),
            valid_tokens: HashSet::from([INITIAL_ACCESS_TOKEN.to_owned()]),
            unverified: false,
            videos: HashMap::new(),
            sessions: HashMap::new(),
            log: Vec::new(),
            violations: Vec::new(),
            token_requests: 0,
            chunks: 0,
            issued: 1,
            next_id: 0,
        }
    }

    fn take_fault(&mut self, pick: impl Fn(&Fault) -> bool) -> Option<Fault> {
        let index = self.faults.iter().position(pick)?;
        Some(self.faults.remove(index))
    }

    fn log(&mut self, request: &Request, status: u16) {
        self.log.push(LoggedRequest {
            method: request.method.to_string(),
            path: request.url.path().to_owned(),
            session: query(request, "upload_id"),
            content_range: header(request, "content-range").map(str::to_owned),
            body_len: request.body.len(),
            status,
        });
    }

    fn is_chunk(request: &Request) -> bool {
        request.method.as_str() == "PUT"
            && query(request, "upload_id").is_some()
            && header(request, "content-range").is_some_and(|r| !r.contains('*'))
    }

    /// Decides whether to drop this request's connection (a `DropChunk`
    /// fault for the next chunk); keeps part of the chunk when it does.
    pub(crate) fn take_drop(&mut self, request: &Request) -> bool {
        if !State::is_chunk(request) {
            return false;
        }
        let number = self.chunks + 1;
        let fault =
            self.take_fault(|f| matches!(f, Fault::DropChunk { chunk, .. } if *chunk == number));
        let Some(Fault::DropChunk { keep_bytes, .. }) = fault else {
            return false;
        };
        self.chunks = number;
        self.log(request, 0);
        self.commit_part(request, keep_bytes / GRANULE * GRANULE);
        true
    }

    /// Keeps the first `keep` bytes of a chunk that starts at or before the
    /// committed offset.
    fn commit_part(&mut self, request: &Request, keep: u64) {
        let Some(id) = query(request, "upload_id") else {
            return;
        };
        let Some((Some((start, _)), _)) =
            header(request, "content-range").and_then(parse_content_range)
        else {
            return;
        };
        let Some(session) = self.sessions.get_mut(&id) else {
            return;
        };
        let keep = keep.min(request.body.len() as u64);
        let end = start + keep;
        if start <= session.committed && end > session.committed {
            let from = (session.committed - start) as usize;
            session.digest.update(&request.body[from..keep as usize]);
            session.committed = end;
        }
    }

    pub(crate) fn respond(&mut self, request: &Request) -> ResponseTemplate {
        let reply = self.route(request);
        self.log(request, reply.status);
        reply.template
    }

    fn route(&mut self, request: &Request) -> Reply {
        let method = request.method.as_str();
        let path = request.url.path().to_owned();
        if method == "POST" && path == "/token" {
            return self.token(request);
        }
        let chunk = if State::is_chunk(request) {
            self.chunks += 1;
            Some(self.chunks)
        } else {
            None
        };
        if let Some(denied) = self.check_token(chunk, request) {
            return denied;
        }
        match (method, path.as_str()) {
            ("POST", "/upload/youtube/v3/videos") => self.start_session(request),
            ("PUT", "/upload/youtube/v3/videos") => self.session_request(chunk, request),
            ("GET", "/youtube/v3/videos") => self.list(request),
            ("PUT", "/youtube/v3/videos") => self.update(request),
            ("DELETE", "/youtube/v3/videos") => self.delete(request),
            ("POST", "/upload/youtube/v3/thumbnails/set") => self.thumbnail(request),
            ("POST", "/youtube/v3/playlistItems") => self.playlist_item(request),
            _ => {
                self.violations
                    .push(format!("unexpected request {method} {path}"));
                google_error(404, "notFound", "global", "Not Found")
            }
        }
    }

    fn check_token(&mut self, chunk: Option<u32>, request: &Request) -> Option<Reply> {
        let expire =
            |f: &Fault| matches!(f, Fault::ExpireTokenAtChunk { chunk: at } if Some(*at) == chunk);
        if self.take_fault(expire).is_some() {
            self.valid_tokens.clear();
        }
        let token = header(request, "authorization").and_then(|h| h.strip_prefix("Bearer "));
        match token {
            Some(token) if self.valid_tokens.contains(token) => None,
            _ => Some(google_error(
                401,
                "authError",
                "global",
                "Invalid Credentials",
            )),
        }
    }

    fn token(&mut self, request: &Request) -> Reply {
        self.token_requests += 1;
        let form: HashMap<String, String> = url::form_urlencoded::parse(&request.body)
            .into_owned()
            .collect();
        let field = |name: &str| form.get(name).map(String::as_str);
        if field("grant_type") != Some("refresh_token") {
            self.violations
                .push("token request without grant_type=refresh_token".into());
            return reply(400).set_body_json(json!({"error":"unsupported_grant_type"}));
        }
        if field("client_id") != Some(CLIENT_ID) || field("client_secret") != Some(CLIENT_SECRET) {
            return reply(401)
                .set_body_json(json!({"error":"invalid_client","error_description":"The OAuth client was not found."}));
        }
        let revoked = self.faults.contains(&Fault::RevokeRefreshToken);
        if revoked || field("refresh_token") != Some(REFRESH_TOKEN) {
            return reply(400).set_body_json(
                json!({"error":"invalid_grant","error_description":"Token has been expired or revoked."}),
            );
        }
        self.issued += 1;
        let token = format!("fake-access-{}", self.issued);
        self.valid_tokens.insert(token.clone());
        reply(200).set_body_json(json!({
            "access_token": token,
            "expires_in": 3599,
            "scope": "https://www.googleapis.com/auth/youtube.force-ssl",
            "token_type": "Bearer",
        }))
    }

    fn start_session(&mut self, request: &Request) -> Reply {
        if self.take_fault(|f| *f == Fault::QuotaExceeded).is_some() {
            return google_error(
                403,
                "quotaExceeded",
                "youtube.quota",
                "The request cannot be completed because you have exceeded your <a href=\"/youtube/v3/getting-started#quota\">quota</a>.",
            );
        }

        if query(request, "uploadType").as_deref() != Some("resumable") {
            self.violations
                .push("session start without uploadType=resumable".into());
        }

        let total = header(request, "x-upload-content-length").and_then(|v| v.parse::<u64>().ok());
        let content_type = header(request, "x-upload-content-type").unwrap_or_default();
        let metadata: Option<Value> = serde_json::from_slice(&request.body).ok();
        let (Some(total), Some(metadata)) = (total, metadata) else {
            self.violations
                .push("session start without X-Upload-Content-Length or JSON metadata".into());
            return google_error(400, "badRequest", "global", "Bad Request");
        };
        if !(content_type.starts_with("video/") || content_type == "application/octet-stream") {
            self.violations.push(format!(
                "session start with X-Upload-Content-Type `{content_type}`"
            ));
        }

        let title = metadata
            .pointer("/snippet/title")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if title.is_empty() || title.chars().count() > 100 {
            return google_error(
                400,
                "invalidTitle",
                "youtube.video",
                "The request metadata specifies an invalid video title.",
            );
        }

        self.next_id += 1;
        let id = format!("session{:04}", self.next_id);
        self.sessions.insert(
            id.clone(),
            Session {
                total,
                committed: 0,
                digest: Fnv::default(),
                metadata,
                expired: false,
                video_id: None,
            },
        );

        let location = format!(
            "{}/upload/youtube/v3/videos?uploadType=resumable&upload_id={id}",
            self.base
        );
        reply(200)
            .insert_header("Location", location.as_str())
            .insert_header("X-GUploader-UploadID", id.as_str())
    }

    fn session_request(&mut self, chunk: Option<u32>, request: &Request) -> Reply {
        let Some(id) = query(request, "upload_id") else {
            self.violations
                .push("PUT to the upload path without upload_id".into());
            return google_error(400, "badRequest", "global", "Bad Request");
        };
        let Some((range, total)) = header(request, "content-range").and_then(parse_content_range)
        else {
            self.violations
                .push("PUT without a valid Content-Range".into());
            return google_error(400, "badRequest", "global", "Bad Request");
        };
        let expire = |f: &Fault| matches!(f, Fault::ExpireSessionAtChunk { chunk: at } if Some(*at) == chunk);
        if self.take_fault(expire).is_some()
            && let Some(session) = self.sessions.get_mut(&id)
        {
            session.expired = true;
        }
        match self.sessions.get(&id) {
            None => return google_error(404, "notFound", "global", "Not Found"),
            Some(session) if session.expired => {
                return google_error(404, "notFound", "global", "Not Found");
            }
            Some(session) if session.total != total => {
                self.violations.push(format!(
                    "Content-Range total {total} differs from the session's {}",
                    session.total
                ));
                return google_error(400, "badRequest", "global", "Bad Request");
            }
            Some(_) => {}
        }
        if range.is_none()
            && self
                .take_fault(|f| *f == Fault::ExpireSessionOnStatusQuery)
                .is_some()
        {
            if let Some(session) = self.sessions.get_mut(&id) {
                session.expired = true;
            }
            return google_error(404, "notFound", "global", "Not Found");
        }
        match range {
            None => self.status_query(&id),
            Some((start, end)) => {
                self.chunk(&id, request, chunk.unwrap_or(self.chunks), start, end)
            }
        }
    }

    fn status_query(&mut self, id: &str) -> Reply {
        let forget = self
            .take_fault(|f| *f == Fault::ForgetOnStatusQuery)
            .is_some();
        let Some(session) = self.sessions.get_mut(id) else {
            return google_error(404, "notFound", "global", "Not Found");
        };
        if forget {
            session.committed = 0;
            session.digest = Fnv::default();
        }
        if let Some(video) = &session.video_id {
            let video = video.clone();
            return self.video_response(&video);
        }
        incomplete(session.committed)
    }

    fn chunk(&mut self, id: &str, request: &Request, number: u32, start: u64, end: u64) -> Reply {
        if let Some(rejected) = self.check_chunk(id, number, start, end, request.body.len() as u64)
        {
            return rejected;
        }

        let fail = |f: &Fault| matches!(f, Fault::FailChunk { chunk, .. } if *chunk == number);
        if let Some(Fault::FailChunk {
            status,
            reason,
            keep_bytes,
            ..
        }) = self.take_fault(fail)
        {
            self.commit_part(request, keep_bytes / GRANULE * GRANULE);
            let message = if reason == "backendError" {
                "Backend Error"
            } else {
                reason
            };
            return google_error(status, reason, "global", message);
        }
        let partial =
            |f: &Fault| matches!(f, Fault::PartialChunk { chunk, .. } if *chunk == number);
        let keep = match self.take_fault(partial) {
            Some(Fault::PartialChunk { keep_bytes, .. }) => keep_bytes / GRANULE * GRANULE,
            _ => request.body.len() as u64,
        };
        self.commit_part(request, keep);

        let Some(session) = self.sessions.get(id) else {
            return google_error(404, "notFound", "global", "Not Found");
        };
        if session.committed < session.total {
            return incomplete(session.committed);
        }
        let video_id = self.finish(id);
        self.video_response(&video_id)
    }

    /// Records a breach and returns the 400 for a chunk whose range does
    /// not match its body or starts past the server's offset.
    fn check_chunk(
        &mut self,
        id: &str,
        number: u32,
        start: u64,
        end: u64,
        len: u64,
    ) -> Option<Reply> {
        let Some(session) = self.sessions.get(id) else {
            return Some(google_error(404, "notFound", "global", "Not Found"));
        };
        let (committed, total) = (session.committed, session.total);
        let bad_request = || google_error(400, "badRequest", "global", "Bad Request");
        if end.checked_sub(start).map(|d| d + 1) != Some(len) || end >= total {
            self.violations.push(format!(
                "chunk {number}: Content-Range {start}-{end}/{total} with a {len}-byte body"
            ));
            return Some(bad_request());
        }
        if start > committed {
            self.violations.push(format!(
                "chunk {number} starts at {start}, past the server's offset {committed}"
            ));
            return Some(bad_request());
        }
        if end + 1 < total && !len.is_multiple_of(GRANULE) {
            self.violations.push(format!(
                "chunk {number} is {len} bytes, not a multiple of 256 KiB"
            ));
        }
        None
    }

    fn finish(&mut self, session_id: &str) -> String {
        self.next_id += 1;
        let id = format!("fakeVideo{:04}", self.next_id);
        let unverified = self.unverified;
        let Some(session) = self.sessions.get_mut(session_id) else {
            return id;
        };

        session.video_id = Some(id.clone());
        let mut snippet = session
            .metadata
            .get("snippet")
            .cloned()
            .unwrap_or_else(|| json!({}));
        snippet["publishedAt"] = json!("2026-12-04T12:00:00Z");
        snippet["channelId"] = json!("UCfakeChannel");
        let mut status = session
            .metadata
            .get("status")
            .cloned()
            .unwrap_or_else(|| json!({}));
        status["uploadStatus"] = json!("uploaded");
        if unverified {
            status["privacyStatus"] = json!("private");
        }

        let resource = json!({"kind": "youtube#video", "etag": "fake-etag", "id": id, "snippet": snippet, "status": status});
        let video = FakeVideo {
            id: id.clone(),
            resource,
            bytes: session.committed,
            digest: session.digest.value(),
            thumbnail_bytes: None,
            playlists: Vec::new(),
        };
        self.videos.insert(id.clone(), video);
        id
    }

    fn video_response(&self, id: &str) -> Reply {
        match self.videos.get(id) {
            Some(video) => reply(200).set_body_json(&video.resource),
            None => google_error(404, "videoNotFound", "youtube.video", "Video not found."),
        }
    }

    fn list(&mut self, request: &Request) -> Reply {
        let ids = query(request, "id").unwrap_or_default();
        let parts = query(request, "part").unwrap_or_default();
        let items: Vec<Value> = ids
            .split(',')
            .filter_map(|id| self.videos.get(id))
            .map(|video| {
                let mut item = json!({"kind": "youtube#video", "etag": "fake-etag", "id": video.id});
                for part in parts.split(',') {
                    let value = match part {
                        "statistics" => video.resource.get("statistics").cloned().or_else(|| {
                            Some(json!({"viewCount":"0","likeCount":"0","favoriteCount":"0","commentCount":"0"}))
                        }),
                        "processingDetails" => video.resource.get("processingDetails").cloned().or_else(|| {
                            Some(json!({"processingStatus":"succeeded"}))
                        }),
                        "status" => video.resource.get("status").cloned().map(|mut s| {
                            if s.get("uploadStatus").and_then(Value::as_str) == Some("uploaded") {
                                s["uploadStatus"] = json!("processed");
                            }
                            s
                        }),
                        other => video.resource.get(other).cloned(),
                    };
                    if let Some(value) = value {
                        item[part] = value;
                    }
                }
                item
            })
            .collect();
        reply(200)
            .set_body_json(json!({"kind": "youtube#videoListResponse", "items": items, "pageInfo": {"totalResults": items.len()}}))
    }

    fn update(&mut self, request: &Request) -> Reply {
        let Ok(body) = serde_json::from_slice::<Value>(&request.body) else {
            return google_error(400, "parseError", "global", "Parse Error");
        };
        let id = body
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let Some(video) = self.videos.get_mut(&id) else {
            return google_error(404, "videoNotFound", "youtube.video", "Video not found.");
        };
        for part in ["snippet", "status"] {
            if let Some(value) = body.get(part) {
                if value.get("publishedAt").is_some() || value.get("uploadStatus").is_some() {
                    self.violations
                        .push(format!("videos.update sent read-only fields in {part}"));
                }
                let mut merged = value.clone();
                if part == "status"
                    && let Some(upload) = video.resource.pointer("/status/uploadStatus")
                {
                    merged["uploadStatus"] = upload.clone();
                }
                video.resource[part] = merged;
            }
        }
        reply(200).set_body_json(&video.resource)
    }

    fn delete(&mut self, request: &Request) -> Reply {
        let id = query(request, "id").unwrap_or_default();
        match self.videos.remove(&id) {
            Some(_) => reply(204),
            None => google_error(404, "videoNotFound", "youtube.video", "Video not found."),
        }
    }

    fn thumbnail(&mut self, request: &Request) -> Reply {
        let id = query(request, "videoId").unwrap_or_default();
        let content_type = header(request, "content-type").unwrap_or_default();
        if !matches!(
            content_type,
            "image/jpeg" | "image/png" | "application/octet-stream"
        ) || request.body.is_empty()
        {
            return google_error(
                400,
                "invalidImage",
                "youtube.thumbnail",
                "The provided image content is invalid.",
            );
        }
        let base = self.base.clone();
        let Some(video) = self.videos.get_mut(&id) else {
            return google_error(
                404,
                "videoNotFound",
                "youtube.thumbnail",
                "Video not found.",
            );
        };
        video.thumbnail_bytes = Some(request.body.len() as u64);
        let url = format!("{base}/vi/{id}/default.jpg");
        reply(200).set_body_json(json!({
            "kind": "youtube#thumbnailSetResponse",
            "etag": "fake-etag",
            "items": [{"default": {"url": url, "width": 120, "height": 90}}],
        }))
    }

    fn playlist_item(&mut self, request: &Request) -> Reply {
        let Ok(body) = serde_json::from_slice::<Value>(&request.body) else {
            return google_error(400, "parseError", "global", "Parse Error");
        };
        let playlist = body
            .pointer("/snippet/playlistId")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let video_id = body
            .pointer("/snippet/resourceId/videoId")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        if !playlist.starts_with("PL") {
            return google_error(
                404,
                "playlistNotFound",
                "youtube.playlistItem",
                "Playlist not found.",
            );
        }
        let Some(video) = self.videos.get_mut(&video_id) else {
            return google_error(
                404,
                "videoNotFound",
                "youtube.playlistItem",
                "Video not found.",
            );
        };
        video.playlists.push(playlist.clone());
        let position = video.playlists.len() - 1;
        self.next_id += 1;
        reply(200).set_body_json(json!({
            "kind": "youtube#playlistItem",
            "id": format!("PLI{:04}", self.next_id),
            "snippet": {"playlistId": playlist, "position": position,
                        "resourceId": {"kind": "youtube#video", "videoId": video_id}},
        }))
    }
}

fn incomplete(committed: u64) -> Reply {
    let response = reply(308);
    if committed == 0 {
        response
    } else {
        response.insert_header("Range", format!("bytes=0-{}", committed - 1).as_str())
    }
}
