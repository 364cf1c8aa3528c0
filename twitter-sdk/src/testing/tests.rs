//! Tests of the fake through real HTTP requests on 127.0.0.1.

mod auth;
mod faults;
mod media;
mod tokens;
mod tweets;

use std::num::NonZeroU64;

use oauth1_request as oauth;
use reqwest::{Method, Response};
use serde_json::Value;
use social_core::MediaSource;
use social_core::multipart::Multipart;

use super::FakeX;

pub(super) fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("reqwest client")
}

pub(super) async fn body_json(response: Response) -> Value {
    let bytes = response.bytes().await.expect("response body");
    serde_json::from_slice(&bytes).expect("JSON body")
}

pub(super) fn url(fake: &FakeX, path: &str) -> String {
    format!("{}{}", fake.base_url(), path.trim_start_matches('/'))
}

/// Sends `method path` with the current OAuth 2.0 user token and a JSON body.
pub(super) async fn send_json(fake: &FakeX, method: Method, path: &str, body: &Value) -> Response {
    http()
        .request(method, url(fake, path))
        .bearer_auth(fake.oauth2().access_token)
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .expect("request sent")
}

/// Sends `method path` with the current OAuth 2.0 user token and no body.
pub(super) async fn send(fake: &FakeX, method: Method, path: &str) -> Response {
    http()
        .request(method, url(fake, path))
        .bearer_auth(fake.oauth2().access_token)
        .send()
        .await
        .expect("request sent")
}

pub(super) async fn create_post(fake: &FakeX, body: Value) -> Response {
    send_json(fake, Method::POST, "/2/tweets", &body).await
}

/// Builds an OAuth 1.0a header with oauth1-request for `url` (no query)
/// and the given decoded parameters.
pub(super) fn oauth1_header(
    fake: &FakeX,
    method: &str,
    url: &str,
    parameters: &[(&str, &str)],
) -> String {
    let credentials = fake.oauth1();
    let token = oauth::Token::from_parts(
        credentials.consumer_key,
        credentials.consumer_secret,
        credentials.token,
        credentials.token_secret,
    );
    let mut builder = oauth::Builder::with_token(token, oauth::HMAC_SHA1);
    builder
        .nonce("fakeXtestNonce0001")
        .timestamp(NonZeroU64::new(1_700_000_000))
        .version(true);
    let parameters: oauth::ParameterList<&str, &str> = parameters.iter().copied().collect();
    builder.authorize(method, url, &parameters)
}

/// Builds an append body: `segment_index` and `media` parts.
pub(super) fn segment_form(index: u32, data: &[u8]) -> Multipart {
    let source = MediaSource::bytes(data.to_vec(), Some("segment.bin"));
    Multipart::new()
        .text("segment_index", index.to_string())
        .media(
            "media",
            "segment.bin",
            &mime::APPLICATION_OCTET_STREAM,
            &source,
            0,
            data.len() as u64,
        )
        .expect("multipart form")
}

pub(super) async fn append(fake: &FakeX, id: &str, index: u32, data: &[u8]) -> Response {
    let form = segment_form(index, data);
    http()
        .post(url(fake, &format!("/2/media/upload/{id}/append")))
        .bearer_auth(fake.oauth2().access_token)
        .header("content-type", form.content_type())
        .header("content-length", form.content_length())
        .body(form.into_body())
        .send()
        .await
        .expect("append sent")
}

pub(super) async fn initialize(
    fake: &FakeX,
    media_type: &str,
    category: &str,
    total: usize,
) -> String {
    let body = serde_json::json!({"media_type": media_type, "media_category": category, "total_bytes": total});
    let response = send_json(fake, Method::POST, "/2/media/upload/initialize", &body).await;
    assert_eq!(
        response.status(),
        200,
        "initialize returned {}",
        response.status()
    );
    let body = body_json(response).await;
    body["data"]["id"].as_str().expect("media id").to_owned()
}

/// Initializes, appends `data` in `chunk`-byte segments and finalizes.
/// Returns the media id and the finalize body.
pub(super) async fn upload(
    fake: &FakeX,
    data: &[u8],
    media_type: &str,
    category: &str,
    chunk: usize,
) -> (String, Value) {
    let id = initialize(fake, media_type, category, data.len()).await;
    for (index, segment) in data.chunks(chunk).enumerate() {
        let response = append(fake, &id, index as u32, segment).await;
        assert_eq!(
            response.status(),
            200,
            "append {index} returned {}",
            response.status()
        );
    }
    let finalized = send(
        fake,
        Method::POST,
        &format!("/2/media/upload/{id}/finalize"),
    )
    .await;
    assert_eq!(
        finalized.status(),
        200,
        "finalize returned {}",
        finalized.status()
    );
    let body = body_json(finalized).await;
    (id, body)
}

pub(super) async fn status(fake: &FakeX, id: &str) -> Response {
    send(
        fake,
        Method::GET,
        &format!("/2/media/upload?command=STATUS&media_id={id}"),
    )
    .await
}

/// Polls the status until processing reaches a terminal state; returns
/// the `processing_info` of each poll.
pub(super) async fn poll_until_done(fake: &FakeX, id: &str) -> Vec<Value> {
    let mut infos = Vec::new();
    for _ in 0..20 {
        let info = body_json(status(fake, id).await).await["data"]["processing_info"].clone();
        let state = info["state"].as_str().unwrap_or_default().to_owned();
        infos.push(info);
        if state == "succeeded" || state == "failed" {
            break;
        }
    }
    infos
}

/// Returns fake video bytes: the fake checks sizes and types, not the container.
pub(super) fn video_bytes(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8).collect()
}
