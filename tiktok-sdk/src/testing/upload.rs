//! The fake's upload host: chunk `PUT`s checked against the plan announced
//! at init, in order, with responses 206, 201 or 416 and `Content-Range`.

use wiremock::{Request, ResponseTemplate};

use super::routes::Guard;
use super::state::FakePost;

/// Responds to one chunk `PUT`: 404 for an unknown upload, 403 for a wrong
/// token or an expired URL, 400 for a range that is not a chunk of the plan
/// or a body whose length differs, a scripted fault, 416 for a chunk out of
/// order, else 206 or 201.
pub(super) fn chunk(state: &mut Guard<'_>, request: &Request) -> ResponseTemplate {
    state.counts.chunk_puts += 1;
    let Some(publish_id) = state.uploads.get(&query(request, "upload_id")).cloned() else {
        return ResponseTemplate::new(404);
    };
    let Some(post) = state.posts.get(&publish_id) else {
        return ResponseTemplate::new(404);
    };
    if state.uploads_expired || post.upload_token != query(request, "upload_token") {
        return ResponseTemplate::new(403);
    }

    let received_now = received_range(post.received.len() as u64, post.video_size);
    let Some(index) = planned_chunk(post, request) else {
        return ResponseTemplate::new(400).insert_header("content-range", received_now);
    };
    if let Some(status) = state.take_chunk_fault(index) {
        return ResponseTemplate::new(status).insert_header("content-range", received_now);
    }

    let Some(post) = state.posts.get_mut(&publish_id) else {
        return ResponseTemplate::new(404);
    };
    let start = index * post.chunk_size;
    if start != post.received.len() as u64 {
        return ResponseTemplate::new(416).insert_header("content-range", received_now);
    }
    post.received.extend_from_slice(&request.body);
    let received = post.received.len() as u64;
    post.upload_complete = received == post.video_size;
    let status = if post.upload_complete { 201 } else { 206 };
    ResponseTemplate::new(status)
        .insert_header("content-range", received_range(received, post.video_size))
}

/// Returns the index of the plan's chunk that the request's `Content-Range`
/// names, when the range, `Content-Length` and body length all match it.
fn planned_chunk(post: &FakePost, request: &Request) -> Option<u64> {
    let header = |name: &str| request.headers.get(name).and_then(|v| v.to_str().ok());
    let (start, last, total) = parse_range(header("content-range")?)?;
    let declared_length: u64 = header("content-length")?.parse().ok()?;
    let body_length = request.body.len() as u64;
    let index = (start / post.chunk_size.max(1)).min(post.chunk_count.saturating_sub(1));
    let matches = total == post.video_size
        && declared_length == body_length
        && body_length == last + 1 - start
        && post.chunk_range(index) == Some((start, body_length));
    matches.then_some(index)
}

fn query(request: &Request, key: &str) -> String {
    request
        .url
        .query_pairs()
        .find(|(name, _)| name == key)
        .map(|(_, value)| value.into_owned())
        .unwrap_or_default()
}

/// Formats the bytes received as `bytes 0-LAST/TOTAL`, or `bytes */TOTAL` for none.
fn received_range(received: u64, total: u64) -> String {
    match received {
        0 => format!("bytes */{total}"),
        n => format!("bytes 0-{}/{total}", n - 1),
    }
}

fn parse_range(value: &str) -> Option<(u64, u64, u64)> {
    let (range, total) = value.strip_prefix("bytes ")?.split_once('/')?;
    let (first, last) = range.split_once('-')?;
    let (first, last) = (first.parse().ok()?, last.parse().ok()?);
    (first <= last).then_some((first, last, total.parse().ok()?))
}
