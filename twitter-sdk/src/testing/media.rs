//! Media upload, v2: `initialize`, `{id}/append`, `{id}/finalize`, the
//! status request, the one-shot `POST /2/media/upload` for images, and alt
//! text through `POST /2/media/metadata`.

mod input;
mod session;

use serde_json::json;
use wiremock::Request;

pub(super) use session::{MediaKind, MediaUpload};

use super::post_body::is_id;
use super::reply::Reply;
use super::state::{State, now_epoch};

/// `POST /2/media/upload/initialize`.
pub(super) fn initialize(state: &mut State, request: &Request) -> Reply {
    let init = match input::initialize(&request.body) {
        Ok(init) => init,
        Err(message) => return Reply::invalid_request(&message),
    };
    let id = state.new_media_id();
    let upload = MediaUpload::new(
        id.clone(),
        &init.media_type,
        init.category.as_deref(),
        init.total_bytes,
        now_epoch(),
    );
    state.media.insert(id.clone(), upload);
    Reply::json(
        200,
        json!({"data": {
            "id": id,
            "media_key": format!("13_{id}"),
            "expires_after_secs": session::EXPIRES_AFTER_SECS,
        }}),
    )
}

/// `POST /2/media/upload/{id}/append`: stores one segment, replacing the
/// bytes of an index sent before.
pub(super) fn append(state: &mut State, request: &Request, id: &str) -> Reply {
    let segment = match input::segment(request) {
        Ok(segment) => segment,
        Err(message) => return Reply::invalid_request(&message),
    };
    let upload = match open_session(state, id) {
        Ok(upload) => upload,
        Err(reply) => return reply,
    };
    if upload.finalized {
        return Reply::invalid_request(&format!(
            "media {id} is already finalized; start a new upload"
        ));
    }
    upload.segments.insert(segment.index, segment.data);
    Reply::json(200, json!({"data": {"expires_at": upload.expires_at}}))
}

/// `POST /2/media/upload/{id}/finalize`. Finalizing again returns the
/// current state without restarting processing.
pub(super) fn finalize(state: &mut State, id: &str) -> Reply {
    let script = state.processing.clone();
    let upload = match open_session(state, id) {
        Ok(upload) => upload,
        Err(reply) => return reply,
    };
    if !upload.finalized && !upload.segments_contiguous() {
        let indexes: Vec<String> = upload.segments.keys().map(u32::to_string).collect();
        return segments_do_not_add_up(&format!(
            "the segment indexes received are [{}], not 0, 1, 2, … without gaps",
            indexes.join(", ")
        ));
    }
    let received = upload.received_bytes();
    if !upload.finalized && received != upload.total_bytes {
        return segments_do_not_add_up(&format!(
            "the segments hold {received} bytes, initialize declared total_bytes {}",
            upload.total_bytes
        ));
    }
    upload.finalize(&script);
    Reply::json(200, json!({"data": upload.data()}))
}

/// `GET /2/media/upload?command=STATUS&media_id=…`: each request moves the
/// processing one step along its script.
pub(super) fn status(state: &mut State, request: &Request) -> Reply {
    let query: Vec<(String, String)> = request.url.query_pairs().into_owned().collect();
    let value = |name: &str| {
        query
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, v)| v.as_str())
    };
    if value("command").is_some_and(|command| command != "STATUS") {
        return Reply::invalid_request("`command` must be STATUS");
    }
    let Some(id) = value("media_id") else {
        return Reply::invalid_request("the `media_id` query parameter is required");
    };
    let Some(upload) = state.media.get_mut(id) else {
        return unknown_media(id);
    };
    if !upload.finalized {
        return Reply::invalid_request(&format!(
            "media {id} is not finalized; finalize it before asking its status"
        ));
    }
    if let Some(run) = &mut upload.processing {
        run.advance();
    }
    Reply::json(200, json!({"data": upload.data()}))
}

/// `POST /2/media/upload` with the whole image in one request.
pub(super) fn simple_upload(state: &mut State, request: &Request) -> Reply {
    let image = match input::simple_upload(request) {
        Ok(image) => image,
        Err(message) => return Reply::invalid_request(&message),
    };
    let id = state.new_media_id();
    let total = image.data.len() as u64;
    let mut upload = MediaUpload::new(
        id.clone(),
        &image.media_type,
        Some(&image.category),
        total,
        now_epoch(),
    );
    upload.segments.insert(0, image.data);
    upload.finalize(&state.processing);
    let reply = Reply::json(200, json!({"data": upload.data()}));
    state.media.insert(id, upload);
    reply
}

/// `POST /2/media/metadata`: stores the alt text of an uploaded media.
///
/// NOTE: the response's shape (`data.id` and `data.associated_metadata`) is
/// not in the notes the fake follows; clients should not depend on it.
pub(super) fn metadata(state: &mut State, request: &Request) -> Reply {
    let metadata = match input::metadata(&request.body) {
        Ok(metadata) => metadata,
        Err(message) => return Reply::invalid_request(&message),
    };
    let Some(upload) = state.media.get_mut(&metadata.id) else {
        return unknown_media(&metadata.id);
    };
    if metadata.alt_text.is_some() && upload.kind() == MediaKind::Other {
        return Reply::invalid_request(
            "`metadata.alt_text` applies to images, GIFs and videos only",
        );
    }
    let mut associated = json!({});
    if let Some(text) = metadata.alt_text {
        associated = json!({"alt_text": {"text": text}});
        upload.alt_text = Some(text);
    }
    Reply::json(
        200,
        json!({"data": {"id": metadata.id, "associated_metadata": associated}}),
    )
}

/// Returns the session `id` if it exists and has not expired.
fn open_session<'a>(state: &'a mut State, id: &str) -> Result<&'a mut MediaUpload, Reply> {
    let now = now_epoch();
    match state.media.get_mut(id) {
        Some(upload) if upload.is_expired(now) => Err(Reply::invalid_request(&format!(
            "the upload session of media {id} has expired; start a new upload"
        ))),
        Some(upload) => Ok(upload),
        None => Err(unknown_media(id)),
    }
}

fn unknown_media(id: &str) -> Reply {
    if is_id(id) {
        Reply::invalid_request(&format!("media {id} was not found"))
    } else {
        Reply::invalid_request(&format!("the media id [{id}] is not 1 to 19 digits"))
    }
}

fn segments_do_not_add_up(reason: &str) -> Reply {
    Reply::invalid_request(&format!(
        "Segments do not add up to provided total file size: {reason}."
    ))
}
