//! The fake's container endpoints: create, read status, upload, publish.

use serde_json::{Value, json};
use wiremock::{Request, ResponseTemplate};

use super::state::{Container, Kind, Outcome, PublishedMedia, State};
use super::{graph_error, html_error, ok};

/// `POST /{ig-user-id}/media`.
pub(super) fn create(state: &mut State, request: &Request) -> ResponseTemplate {
    let fields = read_fields(request);
    let text = |name: &str| fields.get(name).and_then(Value::as_str).map(str::to_owned);
    let media_type = text("media_type").unwrap_or_default().to_ascii_uppercase();
    let carousel_item = fields
        .get("is_carousel_item")
        .is_some_and(|v| v == true || v == "true");
    if carousel_item {
        for field in ["caption", "location_id", "collaborators", "user_tags"] {
            if fields.get(field).is_some() {
                return graph_error(
                    400,
                    100,
                    None,
                    &format!("(#100) param {field} is not allowed"),
                );
            }
        }
    }
    if text("caption").is_some_and(|c| c.chars().count() > 2_200) {
        return graph_error(400, 36004, Some(2_207_010), "The caption was too long.");
    }

    let kind = match (media_type.as_str(), carousel_item) {
        ("", true) | ("VIDEO", true) => Kind::CarouselItem,
        ("", false) => Kind::Image,
        ("REELS", false) => Kind::Reel,
        ("STORIES", false) => Kind::Story,
        ("CAROUSEL", false) => return create_carousel(state, &fields),
        ("VIDEO", false) => {
            return graph_error(
                400,
                100,
                Some(2_207_023),
                "The media type VIDEO is not supported for single posts; use REELS.",
            );
        }
        _ => return graph_error(400, 100, Some(2_207_023), "The media type is unknown."),
    };
    let resumable = text("upload_type").as_deref() == Some("resumable");
    let is_video =
        media_type == "VIDEO" || kind == Kind::Reel || text("video_url").is_some() || resumable;
    if let Some(refused) = check_media(
        state,
        &text("image_url"),
        &text("video_url"),
        resumable,
        is_video,
    ) {
        return refused;
    }

    let id = state.id();
    let container = Container {
        kind,
        is_video,
        fields: fields.clone(),
        polls_left: state.processing_polls,
        upload: resumable.then(Vec::new),
        upload_size: None,
        outcome: state.next_outcome.take().unwrap_or(Outcome::Ready),
        media_id: None,
        children: Vec::new(),
    };
    state.containers.insert(id.clone(), container);
    if resumable {
        let uri = format!("{}/rupload/ig-api-upload/v26.0/{id}", state.base_url);
        return ok(json!({"id": id, "uri": uri}));
    }
    ok(json!({"id": id}))
}

/// Checks `image_url` or `video_url` as Instagram's fetcher would: the URL
/// must serve a file, and an image must be a JPEG.
fn check_media(
    state: &State,
    image_url: &Option<String>,
    video_url: &Option<String>,
    resumable: bool,
    is_video: bool,
) -> Option<ResponseTemplate> {
    let not_fetched = || {
        graph_error(
            400,
            9004,
            Some(2_207_052),
            "The media could not be fetched from this uri.",
        )
    };
    match (image_url, video_url) {
        (Some(url), None) if !is_video => match state.hosted(url) {
            Some(bytes) if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) => None,
            Some(_) => Some(graph_error(
                400,
                36001,
                Some(2_207_005),
                "The image format is not supported.",
            )),
            None => Some(not_fetched()),
        },
        (None, Some(url)) if is_video && !resumable => {
            state.hosted(url).is_none().then(not_fetched)
        }
        (None, None) if resumable => None,
        _ => Some(graph_error(
            400,
            100,
            None,
            "(#100) Pass exactly one of image_url, video_url or upload_type=resumable",
        )),
    }
}

fn create_carousel(state: &mut State, fields: &Value) -> ResponseTemplate {
    let children: Vec<String> = match fields.get("children") {
        Some(Value::String(list)) => list.split(',').map(|s| s.trim().to_owned()).collect(),
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    };
    if !(2..=10).contains(&children.len()) {
        return graph_error(
            400,
            100,
            Some(2_207_028),
            "The carousel must have between 2 and 10 items.",
        );
    }
    for child in &children {
        let Some(container) = state.containers.get(child) else {
            return graph_error(
                400,
                24,
                Some(2_207_006),
                "The media with the given id was not found.",
            );
        };
        if container.kind != Kind::CarouselItem {
            return graph_error(
                400,
                100,
                None,
                "(#100) Only carousel items can be children.",
            );
        }
        if container.status_code() != "FINISHED" {
            return graph_error(400, 9007, Some(2_207_027), "Media ID is not available");
        }
    }
    let id = state.id();
    let container = Container {
        kind: Kind::Carousel,
        is_video: false,
        fields: fields.clone(),
        polls_left: state.processing_polls,
        upload: None,
        upload_size: None,
        outcome: state.next_outcome.take().unwrap_or(Outcome::Ready),
        media_id: None,
        children,
    };
    state.containers.insert(id.clone(), container);
    ok(json!({"id": id}))
}

/// `GET /{container-id}?fields=status_code,status`; each read of a
/// processed container counts down its remaining `IN_PROGRESS` responses.
pub(super) fn status(state: &mut State, id: &str) -> Option<ResponseTemplate> {
    let container = state.containers.get_mut(id)?;
    let code = container.status_code();
    if code == "IN_PROGRESS" && container.uploaded() {
        container.polls_left = container.polls_left.saturating_sub(1);
    }
    let status = match &container.outcome {
        Outcome::Failed(text) if container.media_id.is_none() => text.clone(),
        Outcome::Expired if container.media_id.is_none() => "Expired".to_owned(),
        _ => match code {
            "IN_PROGRESS" => "In Progress".to_owned(),
            "PUBLISHED" => "Published".to_owned(),
            _ => "Finished".to_owned(),
        },
    };
    Some(ok(json!({"status_code": code, "status": status, "id": id})))
}

/// `POST /{ig-user-id}/media_publish` with `creation_id`.
pub(super) fn publish(state: &mut State, request: &Request) -> ResponseTemplate {
    let fields = read_fields(request);
    let creation_id = fields
        .get("creation_id")
        .and_then(|v| {
            v.as_str()
                .map(str::to_owned)
                .or_else(|| v.as_u64().map(|n| n.to_string()))
        })
        .unwrap_or_default();
    let quota_reached = state.quota_usage() >= state.quota_total;
    let Some(container) = state.containers.get(&creation_id) else {
        return graph_error(
            400,
            24,
            Some(2_207_006),
            "The media with the given id was not found.",
        );
    };
    match container.status_code() {
        "FINISHED" => {}
        "PUBLISHED" => {
            return graph_error(400, 9007, None, "The media has already been published.");
        }
        "IN_PROGRESS" => {
            return graph_error(400, 9007, Some(2_207_027), "Media ID is not available");
        }
        _ => {
            return graph_error(
                400,
                24,
                Some(2_207_008),
                "The media builder does not exist or has expired.",
            );
        }
    }
    if quota_reached {
        return graph_error(
            400,
            9,
            Some(2_207_042),
            "You reached maximum number of posts that is allowed to be published by Content Publishing API.",
        );
    }
    let media_id = state.id();
    let published = published_media(state, &creation_id, &media_id);
    state.published.push(published);
    if let Some(container) = state.containers.get_mut(&creation_id) {
        container.media_id = Some(media_id.clone());
    }
    if state.lose_publish_responses > 0 {
        state.lose_publish_responses -= 1;
        return html_error(502);
    }
    ok(json!({"id": media_id}))
}

fn published_media(state: &State, container_id: &str, media_id: &str) -> PublishedMedia {
    let container = &state.containers[container_id];
    let media_type = match (container.kind, container.is_video) {
        (Kind::Carousel, _) => "CAROUSEL_ALBUM",
        (_, true) => "VIDEO",
        (_, false) => "IMAGE",
    };
    PublishedMedia {
        media_id: media_id.to_owned(),
        container_id: container_id.to_owned(),
        media_product_type: container.kind.product_type().to_owned(),
        media_type: media_type.to_owned(),
        caption: container
            .fields
            .get("caption")
            .and_then(Value::as_str)
            .map(str::to_owned),
    }
}

/// `GET /{media-id}?fields=...`.
pub(super) fn media(state: &State, id: &str) -> Option<ResponseTemplate> {
    let media = state.published.iter().find(|m| m.media_id == id)?;
    Some(ok(json!({
        "id": media.media_id,
        "permalink": format!("https://www.instagram.com/p/FAKE{}/", media.media_id),
        "media_type": media.media_type,
        "media_product_type": media.media_product_type,
        "timestamp": "2026-11-20T10:00:00+0000",
        "shortcode": format!("FAKE{}", media.media_id),
    })))
}

/// `POST /rupload/ig-api-upload/<ver>/<container-id>`.
pub(super) fn upload(state: &mut State, request: &Request, id: &str) -> ResponseTemplate {
    let header = |name: &str| {
        request
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
    };
    let (Some(offset), Some(size)) = (header("offset"), header("file_size")) else {
        return upload_error(
            400,
            false,
            "PartialRequestError",
            "offset and file_size headers are required",
        );
    };
    let interrupt = state.interrupt_upload_after.take();
    let Some(container) = state.containers.get_mut(id) else {
        return upload_error(400, false, "ProcessingFailedError", "unknown container");
    };
    let Some(bytes) = container.upload.as_mut() else {
        return upload_error(
            400,
            false,
            "ProcessingFailedError",
            "the container was not created with upload_type=resumable",
        );
    };
    if offset != bytes.len() as u64 {
        return upload_error(
            400,
            false,
            "OffsetInvalidError",
            "offset does not match the bytes received",
        );
    }
    if offset + request.body.len() as u64 != size {
        return upload_error(
            400,
            false,
            "PartialRequestError",
            "body length does not match file_size",
        );
    }
    container.upload_size = Some(size);
    if let Some(keep) = interrupt.filter(|keep| *keep < request.body.len() as u64) {
        bytes.extend_from_slice(&request.body[..keep as usize]);
        return upload_error(
            503,
            true,
            "ProcessingFailedError",
            "the upload was interrupted",
        );
    }
    bytes.extend_from_slice(&request.body);
    ok(json!({"success": true, "message": "Upload successful."}))
}

/// `GET /rupload/ig-api-upload/<ver>/<container-id>`: the bytes received so far.
pub(super) fn upload_offset(state: &State, id: &str) -> ResponseTemplate {
    match state.containers.get(id).and_then(|c| c.upload.as_ref()) {
        Some(bytes) => ok(json!({"offset": bytes.len()}))
            .insert_header("offset", bytes.len().to_string().as_str()),
        None => upload_error(400, false, "ProcessingFailedError", "unknown container"),
    }
}

fn upload_error(status: u16, retriable: bool, error_type: &str, message: &str) -> ResponseTemplate {
    let inner = json!({"success": false, "error": {"message": message}}).to_string();
    ResponseTemplate::new(status).set_body_json(
        json!({"debug_info": {"retriable": retriable, "type": error_type, "message": inner}}),
    )
}

/// Reads a JSON body, or the query string when there is none, as Graph
/// accepts both.
fn read_fields(request: &Request) -> Value {
    if let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(&request.body) {
        return Value::Object(map);
    }
    let map = request
        .url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned())))
        .collect();
    Value::Object(map)
}
