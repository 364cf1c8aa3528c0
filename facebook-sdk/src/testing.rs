//! A fake of the Graph API for Pages on a wiremock server at 127.0.0.1
//! (feature `testing`), for tests of applications built on this crate and
//! for `cargo xtask demo`.
//!
//! [`FakeGraph`] serves the three hosts under the path prefixes `/graph/`,
//! `/graph-video/` and `/rupload/` of one server. A stateful router responds
//! like Graph. It checks the `Authorization` header, hands out ids, chooses
//! the chunk ranges of video uploads, keeps the bytes it receives, and
//! reports video processing. Faults are mounted in front of it with a
//! higher priority, and a few are built in (a failed chunk, slow processing).
//!
//! ```
//! # async fn run() -> Result<(), social_core::Error> {
//! use facebook_sdk::FeedPost;
//! use facebook_sdk::testing::FakeGraph;
//!
//! let fake = FakeGraph::start().await;
//! let client = fake.client_builder().build()?;
//!
//! let post = client.publish_post(&FeedPost::text("Hello")).await?;
//!
//! assert!(post.id.starts_with(FakeGraph::PAGE_ID));
//! # Ok(())
//! # }
//! ```

mod form;
mod router;

use std::sync::{Arc, Mutex};

use serde_json::{Value, json};
use social_core::HttpSettings;
use wiremock::matchers::{any, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::client::ClientBuilder;
use router::{Router, State};

/// The Facebook "Sorry, something went wrong." error page, as Graph sends
/// it during outages.
pub const HTML_ERROR_PAGE: &str = concat!(
    "<!DOCTYPE html>\n<html lang=\"en\" id=\"facebook\"><head><title>Facebook | Error</title>",
    "<meta charset=\"utf-8\"><meta http-equiv=\"cache-control\" content=\"no-cache\">",
    "<meta name=\"robots\" content=\"noindex,nofollow\"><style>body{font-family:sans-serif}</style></head>",
    "<body><div id=\"header\"></div><div id=\"core\">",
    "<h1 id=\"sorry\">Sorry, something went wrong.</h1>",
    "<p id=\"promise\">We&#039;re working on it and we&#039;ll get it fixed as soon as we can.</p>",
    "<p id=\"back-link\"><a href=\"//www.facebook.com/\">Go Back</a></p>",
    "<div id=\"footer\">Facebook</div></div></body></html>\n"
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
    ResponseTemplate::new(status).set_body_json(graph_error_body(code, subcode, message))
}

/// Returns the body of a Graph error envelope.
pub fn graph_error_body(code: i64, subcode: Option<i64>, message: &str) -> Value {
    let mut error = json!({
        "message": message,
        "type": "OAuthException",
        "code": code,
        "fbtrace_id": "FAKE_TRACE_ID",
    });
    if let Some(subcode) = subcode {
        error["error_subcode"] = json!(subcode);
    }
    json!({ "error": error })
}

/// Builds a throttling error (code 80001) whose `X-Business-Use-Case-Usage`
/// header requests `minutes` of waiting.
pub fn page_throttled(page_id: &str, minutes: u64) -> ResponseTemplate {
    let usage = json!({ page_id: [{
        "type": "pages", "call_count": 100, "total_cputime": 40, "total_time": 45,
        "estimated_time_to_regain_access": minutes,
    }]});
    graph_error(
        400,
        80001,
        None,
        "(#80001) There have been too many calls to this Page account. Wait a bit and try again.",
    )
    .insert_header("x-business-use-case-usage", usage.to_string().as_str())
}

/// A running fake of the Graph API for one Page.
#[derive(Debug)]
pub struct FakeGraph {
    server: MockServer,
    state: Arc<Mutex<State>>,
}

impl FakeGraph {
    /// The Page id the fake serves.
    pub const PAGE_ID: &'static str = "1234567890";
    /// The Page token it accepts.
    pub const PAGE_TOKEN: &'static str = "EAAfakePageToken";
    /// The user token it accepts for `/me/accounts` and the Page token lookup.
    pub const USER_TOKEN: &'static str = "EAAfakeUserToken";
    /// The app id it serves resumable upload sessions under.
    pub const APP_ID: &'static str = "5550001";

    /// Starts the fake on 127.0.0.1 with the router mounted at priority 10
    /// and a catch-all returning 599 behind it.
    pub async fn start() -> FakeGraph {
        let server = MockServer::start().await;
        let state = Arc::new(Mutex::new(State::new()));
        state.lock().unwrap_or_else(|p| p.into_inner()).rupload_base =
            Some(format!("{}/rupload/", server.uri()));
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
        FakeGraph { server, state }
    }

    /// Returns the wiremock server, to mount faults or read requests.
    pub fn server(&self) -> &MockServer {
        &self.server
    }

    /// Returns the Graph host URL.
    pub fn graph_url(&self) -> String {
        format!("{}/graph/", self.server.uri())
    }

    /// Returns the video host URL.
    pub fn video_url(&self) -> String {
        format!("{}/graph-video/", self.server.uri())
    }

    /// Returns the rupload host URL.
    pub fn rupload_url(&self) -> String {
        format!("{}/rupload/", self.server.uri())
    }

    /// Returns a builder for the fake's Page with its Page token, its hosts,
    /// its app id, and direct connections (no proxy).
    pub fn client_builder(&self) -> ClientBuilder {
        ClientBuilder::default()
            .page_id(FakeGraph::PAGE_ID)
            .page_token(FakeGraph::PAGE_TOKEN)
            .app_id(FakeGraph::APP_ID)
            .graph_url(self.graph_url())
            .video_url(self.video_url())
            .rupload_url(self.rupload_url())
            .http_settings(HttpSettings::default().no_proxy())
    }

    /// Mounts `response` for the next `times` requests with `http_method`
    /// to `request_path` (such as `/graph/v26.0/1234567890/feed`), in front
    /// of the router.
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

    /// Makes the next chunk transfer that starts at `offset` fail with error
    /// 6001/1363037, whose `error_data` names the range to send again.
    pub fn fail_chunk_at(&self, offset: u64) {
        self.with_state(|s| s.fail_chunk_at = Some(offset));
    }

    /// Sets the chunk size the fake requests. Default 256 KiB.
    pub fn set_chunk_size(&self, bytes: u64) {
        self.with_state(|s| s.chunk_size = bytes.max(1));
    }

    /// Sets how many status reads return `processing` before `ready`. Default 2.
    pub fn set_processing_polls(&self, polls: u32) {
        self.with_state(|s| s.processing_polls = polls);
    }

    /// Makes `debug_token` report `token_type` (`PAGE`, `USER`, ...), the
    /// granted `scopes` and an expiry in Unix seconds (0 for never).
    pub fn set_token_info(&self, token_type: &str, scopes: &[&str], expires_at: u64) {
        self.with_state(|s| {
            s.token_type = token_type.to_owned();
            s.scopes = scopes.iter().map(|scope| (*scope).to_owned()).collect();
            s.expires_at = expires_at;
        });
    }

    /// Sets the rupload base URL (ending in `/`) put into the `upload_url`
    /// of Reels, for a proxy or fault injector placed in front of the fake.
    /// Default: this server's `/rupload/`.
    pub fn set_rupload_base(&self, base: impl Into<String>) {
        let base = base.into();
        self.with_state(|s| s.rupload_base = Some(base));
    }

    /// Returns the bytes received for a video, once its upload is complete.
    pub fn video_bytes(&self, video_id: &str) -> Option<Vec<u8>> {
        self.with_state(|s| s.videos.get(video_id).map(|v| v.bytes.clone()))
    }

    /// Returns the bodies of the posts created so far, in order.
    pub fn created_posts(&self) -> Vec<Value> {
        self.with_state(|s| s.posts.iter().map(|(_, body)| body.clone()).collect())
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

    fn with_state<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut state)
    }
}
