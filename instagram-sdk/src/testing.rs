//! A fake of Instagram's publishing API on a wiremock server at 127.0.0.1
//! (feature `testing`), for tests of applications built on this crate and
//! for `cargo xtask demo`.
//!
//! [`FakeInstagram`] serves every host under a path prefix of one server:
//! `/graph/` (`graph.facebook.com`, Facebook Login with the Page token),
//! `/ig/` (`graph.instagram.com`, Instagram Login), `/rupload/` (uploads),
//! `/oauth/` (`api.instagram.com`, the login code exchange) and `/media/`,
//! which serves files registered with [`FakeInstagram::host_file`] so
//! containers can fetch them like Instagram's crawler does.
//!
//! A stateful router checks the `Authorization` header, hands out ids above
//! 2^53, fetches `image_url` and `video_url` from `/media/` (a JPEG is
//! required for images), keeps uploaded bytes, returns `IN_PROGRESS` for a
//! set number of status reads, refuses to publish unfinished or published
//! containers, and counts the publishing quota. Faults are armed with the
//! `lose_*`, `fail_*` and `interrupt_*` methods, or mounted in front of the
//! router with [`FakeInstagram::fail_next`].
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), social_core::Error> {
//! use instagram_sdk::testing::FakeInstagram;
//! use instagram_sdk::{Image, ImagePost};
//!
//! let fake = FakeInstagram::start().await;
//! let url = fake.host_file("photo.jpg", vec![0xFF, 0xD8, 0xFF, 0xE0]);
//! let client = fake.instagram_client_builder().build()?;
//!
//! let post = client.publish_image(&ImagePost::new(Image::url(&url)?)).await?;
//!
//! assert!(post.media_id.is_some());
//! assert_eq!(fake.published().len(), 1);
//! # Ok(())
//! # }
//! ```

mod containers;
mod router;
mod state;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use social_core::{HttpSettings, PollSettings};
use wiremock::matchers::{any, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::auth::{InstagramAuth, InstagramAuthBuilder};
use crate::client::{Client, ClientBuilder};
use router::Router;
use state::{Outcome, State};

pub use state::PublishedMedia;

/// The "Sorry, something went wrong." page Meta's servers send during outages.
pub const HTML_ERROR_PAGE: &str = concat!(
    "<!DOCTYPE html>\n<html lang=\"en\" id=\"facebook\"><head><title>Facebook | Error</title>",
    "<meta charset=\"utf-8\"></head><body><div id=\"core\">",
    "<h1 id=\"sorry\">Sorry, something went wrong.</h1>",
    "<p id=\"promise\">We're working on it and we'll get it fixed as soon as we can.</p>",
    "</div></body></html>\n"
);

/// Returns the HTML error page with `status`, as `text/html`.
pub fn html_error(status: u16) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(HTML_ERROR_PAGE, "text/html; charset=utf-8")
}

/// Returns a Graph error envelope with `status`, `code` and `subcode`.
pub fn graph_error(
    status: u16,
    code: i64,
    subcode: Option<i64>,
    message: &str,
) -> ResponseTemplate {
    let mut error = json!({
        "message": message,
        "type": "OAuthException",
        "code": code,
        "fbtrace_id": "FAKE_TRACE_ID",
    });
    if let Some(subcode) = subcode {
        error["error_subcode"] = json!(subcode);
    }
    ResponseTemplate::new(status).set_body_json(json!({ "error": error }))
}

fn ok(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

/// A running fake of Instagram's publishing API for one professional account.
#[derive(Debug)]
pub struct FakeInstagram {
    server: MockServer,
    state: Arc<Mutex<State>>,
}

impl FakeInstagram {
    /// The Instagram user id of the fake account (above 2^53).
    pub const IG_USER_ID: &'static str = "17841400000000001";
    /// The app-scoped id `/me` returns as `id`, which must not be used to publish.
    pub const APP_SCOPED_ID: &'static str = "27710000000000042";
    /// The Facebook Page the account is linked to.
    pub const PAGE_ID: &'static str = "1234567890";
    /// The Page token accepted on the Facebook Login host.
    pub const PAGE_TOKEN: &'static str = "EAAfakeInstagramPageToken";
    /// The long-lived Instagram user token accepted on the Instagram Login host.
    pub const IG_TOKEN: &'static str = "IGAAfakeLongLivedToken";
    /// The short-lived token the code exchange returns.
    pub const SHORT_LIVED_TOKEN: &'static str = "IGAAfakeShortLivedToken";
    /// The Instagram app id of the token endpoints.
    pub const APP_ID: &'static str = "5550002";
    /// The Instagram app secret of the token endpoints.
    pub const APP_SECRET: &'static str = "fake-instagram-app-secret";
    /// The login code the code exchange accepts.
    pub const LOGIN_CODE: &'static str = "fake-login-code";

    /// Starts the fake on 127.0.0.1 with the router at priority 10 and a
    /// catch-all returning 599 behind it.
    pub async fn start() -> FakeInstagram {
        let server = MockServer::start().await;
        let state = Arc::new(Mutex::new(State::new(server.uri())));
        Mock::given(any())
            .respond_with(Router::new(state.clone()))
            .with_priority(10)
            .mount(&server)
            .await;
        Mock::given(any())
            .respond_with(ResponseTemplate::new(599).set_body_string("unexpected request"))
            .with_priority(u8::MAX)
            .mount(&server)
            .await;
        FakeInstagram { server, state }
    }

    /// Returns the wiremock server, to mount faults or read requests.
    pub fn server(&self) -> &MockServer {
        &self.server
    }

    /// Returns the Facebook Login Graph host URL.
    pub fn facebook_graph_url(&self) -> String {
        format!("{}/graph/", self.server.uri())
    }

    /// Returns the Instagram Login Graph host URL.
    pub fn instagram_graph_url(&self) -> String {
        format!("{}/ig/", self.server.uri())
    }

    /// Returns the upload host URL.
    pub fn rupload_url(&self) -> String {
        format!("{}/rupload/", self.server.uri())
    }

    /// Returns the login code exchange host URL.
    pub fn oauth_url(&self) -> String {
        format!("{}/oauth/", self.server.uri())
    }

    /// Returns a Facebook Login builder for the fake's Page, with its hosts,
    /// direct connections and quick polling (0.5 s doubling to 4 s, for up to
    /// 5 minutes). Add `.timer(ManualTimer)` to poll without waiting.
    pub fn facebook_client_builder(&self) -> ClientBuilder {
        Client::facebook_login()
            .page_id(FakeInstagram::PAGE_ID)
            .access_token(FakeInstagram::PAGE_TOKEN)
            .graph_url(self.facebook_graph_url())
            .rupload_url(self.rupload_url())
            .http_settings(HttpSettings::default().no_proxy())
            .poll_settings(quick_polling())
    }

    /// Returns an Instagram Login builder with the fake's long-lived token.
    pub fn instagram_client_builder(&self) -> ClientBuilder {
        Client::instagram_login()
            .access_token(FakeInstagram::IG_TOKEN)
            .graph_url(self.instagram_graph_url())
            .rupload_url(self.rupload_url())
            .http_settings(HttpSettings::default().no_proxy())
            .poll_settings(quick_polling())
    }

    /// Returns a builder for the token endpoints with the fake's app.
    pub fn auth_builder(&self) -> InstagramAuthBuilder {
        InstagramAuth::builder()
            .app_id(FakeInstagram::APP_ID)
            .app_secret(FakeInstagram::APP_SECRET)
            .graph_url(self.instagram_graph_url())
            .oauth_url(self.oauth_url())
            .http_settings(HttpSettings::default().no_proxy())
    }

    /// Serves `bytes` at `/media/<name>` and returns the URL, for
    /// `image_url` and `video_url`.
    pub fn host_file(&self, name: &str, bytes: Vec<u8>) -> String {
        self.with_state(|s| s.files.insert(name.to_owned(), bytes));
        format!("{}/media/{name}", self.server.uri())
    }

    /// Sets how many status reads return `IN_PROGRESS` before `FINISHED`,
    /// for containers created from now on (after their upload). Default 1.
    pub fn set_processing_polls(&self, polls: u32) {
        self.with_state(|s| s.processing_polls = polls);
    }

    /// Makes the next container end in `ERROR` with `status` as its text,
    /// such as `"Error: Media upload has failed with error code 2207082"`.
    pub fn fail_next_container(&self, status: &str) {
        let outcome = Outcome::Failed(status.to_owned());
        self.with_state(|s| s.next_outcome = Some(outcome));
    }

    /// Makes the next container read `EXPIRED`.
    pub fn expire_next_container(&self) {
        self.with_state(|s| s.next_outcome = Some(Outcome::Expired));
    }

    /// Publishes the next `times` publish calls but responds to them with the
    /// HTML 502 page, as when the response is lost on its way back.
    pub fn lose_publish_responses(&self, times: u32) {
        self.with_state(|s| s.lose_publish_responses = times);
    }

    /// Keeps only the first `bytes` of the next upload request and responds
    /// with a retryable upload error, so the client must resume.
    pub fn interrupt_next_upload_after(&self, bytes: u64) {
        self.with_state(|s| s.interrupt_upload_after = Some(bytes));
    }

    /// Sets the publishing quota per 24 hours. Default 100.
    pub fn set_quota_total(&self, total: u64) {
        self.with_state(|s| s.quota_total = total);
    }

    /// Sets the `account_type` that `/me` returns. Default `BUSINESS`.
    pub fn set_account_type(&self, account_type: &str) {
        self.with_state(|s| s.account_type = account_type.to_owned());
    }

    /// Removes the link between the Page and the Instagram account.
    pub fn unlink_page(&self) {
        self.with_state(|s| s.page_linked = false);
    }

    /// Mounts `response` for the next `times` requests with `http_method`
    /// to `request_path` (such as `/ig/v26.0/me`), in front of the router.
    pub async fn fail_next(
        &self,
        http_method: &str,
        request_path: &str,
        response: ResponseTemplate,
        times: u64,
    ) {
        Mock::given(method(http_method))
            .and(path(request_path))
            .respond_with(response)
            .up_to_n_times(times)
            .with_priority(1)
            .mount(&self.server)
            .await;
    }

    /// Returns the media published so far, in order.
    pub fn published(&self) -> Vec<PublishedMedia> {
        self.with_state(|s| s.published.clone())
    }

    /// Returns a container's `status_code`, without counting a poll.
    pub fn container_status(&self, container_id: &str) -> Option<String> {
        self.with_state(|s| {
            s.containers
                .get(container_id)
                .map(|c| c.status_code().to_owned())
        })
    }

    /// Returns the bytes uploaded into a container.
    pub fn uploaded_bytes(&self, container_id: &str) -> Option<Vec<u8>> {
        self.with_state(|s| {
            s.containers
                .get(container_id)
                .and_then(|c| c.upload.clone())
        })
    }

    /// Returns the children of a carousel container, in order.
    pub fn carousel_children(&self, container_id: &str) -> Vec<String> {
        self.with_state(|s| {
            s.containers
                .get(container_id)
                .map(|c| c.children.clone())
                .unwrap_or_default()
        })
    }

    /// Returns the JSON fields a container was created with.
    pub fn container_fields(&self, container_id: &str) -> Option<Value> {
        self.with_state(|s| s.containers.get(container_id).map(|c| c.fields.clone()))
    }

    /// Returns how many requests the server received with `http_method`
    /// whose path ends with `suffix`.
    pub async fn request_count(&self, http_method: &str, suffix: &str) -> usize {
        let requests = self.server.received_requests().await.unwrap_or_default();
        requests
            .iter()
            .filter(|r| r.method.as_str() == http_method && r.url.path().ends_with(suffix))
            .count()
    }

    /// Returns how many status reads the server received (`fields=status_code,...`).
    pub async fn status_reads(&self) -> usize {
        let requests = self.server.received_requests().await.unwrap_or_default();
        requests
            .iter()
            .filter(|r| r.method.as_str() == "GET")
            .filter(|r| {
                r.url
                    .query_pairs()
                    .any(|(k, v)| k == "fields" && v.contains("status_code"))
            })
            .count()
    }

    fn with_state<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut state)
    }
}

fn quick_polling() -> PollSettings {
    PollSettings {
        initial_interval: Duration::from_millis(500),
        max_interval: Duration::from_secs(4),
        deadline: Duration::from_secs(300),
    }
}
