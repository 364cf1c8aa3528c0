//! A fake of TikTok's Content Posting API on 127.0.0.1 (feature `testing`),
//! for applications' own tests and the workspace demo.
//!
//! [`FakeTikTok`] serves the creator info query, the three init calls,
//! chunk uploads, status, cancel and the token endpoint. It keeps state
//! like TikTok does: init checks the chunk plan and the privacy level,
//! uploads must arrive in order (a gap gets 416 with `Content-Range`), and
//! the status moves from processing to a final state. Faults are scripted
//! on the builder: a 5xx on a chunk, an unaudited app, a failed post, an
//! error on init or creator info.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> social_core::Result<()> {
//! use tiktok_sdk::testing::FakeTikTok;
//!
//! let fake = FakeTikTok::builder().processing_polls(0).start().await;
//! let client = fake.client_builder().build()?;
//!
//! let creator = client.creator_info().await?;
//!
//! assert!(!creator.privacy_level_options.is_empty());
//! # Ok(())
//! # }
//! ```

mod oauth;
mod routes;
mod state;
mod upload;

use std::sync::{Arc, Mutex, MutexGuard};

use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

pub use state::FakeCounts;

use crate::Client;
use crate::client::ClientBuilder;
use crate::model::{CreatorInfo, PrivacyLevel};
use routes::{Responder, Route};
use state::{ChunkFault, ScriptedError, Settings, State};

/// The access token the fake accepts until a refresh replaces it.
pub const FAKE_ACCESS_TOKEN: &str = "act.fake-access-0";
/// The refresh token the fake accepts until a refresh rotates it.
pub const FAKE_REFRESH_TOKEN: &str = "rft.fake-refresh-0";
/// The app credentials the fake's token endpoint accepts.
pub const FAKE_CLIENT_KEY: &str = "fake-client-key";
/// The app secret the fake's token endpoint accepts.
pub const FAKE_CLIENT_SECRET: &str = "fake-client-secret";

/// A running fake. Dropping it stops the server.
#[derive(Debug)]
pub struct FakeTikTok {
    server: MockServer,
    state: Arc<Mutex<State>>,
}

/// Configures a [`FakeTikTok`] before it starts.
#[derive(Debug, Clone)]
pub struct FakeTikTokBuilder {
    settings: Settings,
    chunk_faults: Vec<ChunkFault>,
}

impl FakeTikTok {
    /// Starts a fake with default settings: a public account offering all
    /// three public-account privacy levels, an audited app, one
    /// `PROCESSING_*` status before the final one.
    pub async fn start() -> FakeTikTok {
        FakeTikTok::builder().start().await
    }

    /// Starts configuring a fake.
    pub fn builder() -> FakeTikTokBuilder {
        let creator = CreatorInfo {
            creator_avatar_url: Some("https://p16.example.invalid/avatar.jpeg".to_owned()),
            creator_username: Some("fake.creator".to_owned()),
            creator_nickname: Some("Fake Creator".to_owned()),
            max_video_post_duration_sec: Some(600),
            ..CreatorInfo::new(vec![
                PrivacyLevel::PublicToEveryone,
                PrivacyLevel::MutualFollowFriends,
                PrivacyLevel::SelfOnly,
            ])
        };
        FakeTikTokBuilder {
            settings: Settings {
                creator,
                unaudited: false,
                processing_polls: 1,
                fail_reason: None,
                creator_error: None,
                init_error: None,
                client_key: FAKE_CLIENT_KEY.to_owned(),
                client_secret: FAKE_CLIENT_SECRET.to_owned(),
            },
            chunk_faults: Vec::new(),
        }
    }

    /// Returns the base URL, such as `http://127.0.0.1:PORT`.
    pub fn uri(&self) -> String {
        self.server.uri()
    }

    /// Returns the URL of the fake's token endpoint.
    pub fn token_url(&self) -> String {
        format!("{}/v2/oauth/token/", self.server.uri())
    }

    /// Returns a client builder aimed at the fake, with its current access token.
    pub fn client_builder(&self) -> ClientBuilder {
        let token = self.lock().access_token.clone();
        Client::builder().base_url(self.uri()).access_token(token)
    }

    /// Returns how many requests each endpoint received.
    pub fn counts(&self) -> FakeCounts {
        self.lock().counts
    }

    /// Returns the bytes an upload received so far, in order.
    pub fn received_bytes(&self, publish_id: &str) -> Option<Vec<u8>> {
        self.lock()
            .posts
            .get(publish_id)
            .map(|p| p.received.clone())
    }

    /// Returns the access token the fake accepts now.
    pub fn access_token(&self) -> String {
        self.lock().access_token.clone()
    }

    /// Returns the refresh token the fake accepts now.
    pub fn refresh_token(&self) -> String {
        self.lock().refresh_token.clone()
    }

    /// Rejects the current access token from now on, as when it expires.
    /// A refresh issues a new one.
    pub fn expire_access_token(&self) {
        let mut state = self.lock();
        state.access_token = format!("act.fake-expired-{}", state.next_id());
    }

    /// Responds to every later chunk `PUT` with 403, as TikTok does once an
    /// upload URL is older than 1 hour.
    pub fn expire_upload_urls(&self) {
        self.lock().uploads_expired = true;
    }

    /// Makes the `upload_url`s of later inits point at `base_url` instead
    /// of the fake, so a [`FaultFront`](social_core::testing::FaultFront)
    /// in front of the fake can drop chunk connections.
    pub fn route_uploads_through(&self, base_url: &str) {
        self.lock().public_url = base_url.to_owned();
    }

    /// Tells whether the upload of `publish_id` has received every byte, or
    /// returns `None` for an unknown id.
    pub fn upload_complete(&self, publish_id: &str) -> Option<bool> {
        self.lock().posts.get(publish_id).map(|p| p.upload_complete)
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl FakeTikTokBuilder {
    /// Sets the creator info the fake returns and checks posts against.
    pub fn creator(mut self, creator: CreatorInfo) -> Self {
        self.settings.creator = creator;
        self
    }

    /// Makes the app unaudited: a direct post for an account whose options
    /// include `PUBLIC_TO_EVERYONE` (a public account) gets 403
    /// `unaudited_client_can_only_post_to_private_accounts` at init.
    pub fn unaudited(mut self) -> Self {
        self.settings.unaudited = true;
        self
    }

    /// Sets how many `PROCESSING_UPLOAD` or `PROCESSING_DOWNLOAD` statuses
    /// come after the upload before the final status. Default 1.
    pub fn processing_polls(mut self, polls: u32) -> Self {
        self.settings.processing_polls = polls;
        self
    }

    /// Ends every post in `FAILED` with this `fail_reason`.
    pub fn fail_posts(mut self, reason: &str) -> Self {
        self.settings.fail_reason = Some(reason.to_owned());
        self
    }

    /// Responds to the creator info query with this error.
    pub fn creator_info_error(mut self, status: u16, code: &str, message: &str) -> Self {
        self.settings.creator_error = Some(scripted(status, code, message));
        self
    }

    /// Responds to every init call with this error.
    pub fn init_error(mut self, status: u16, code: &str, message: &str) -> Self {
        self.settings.init_error = Some(scripted(status, code, message));
        self
    }

    /// Responds to the next `times` uploads of chunk `index` (from 0) with
    /// `status`, such as 503, without storing their bytes.
    pub fn fail_chunk(mut self, index: u64, status: u16, times: u32) -> Self {
        self.chunk_faults.push(ChunkFault {
            index,
            status,
            times,
        });
        self
    }

    /// Starts the fake on an ephemeral port of 127.0.0.1.
    pub async fn start(self) -> FakeTikTok {
        let server = MockServer::start().await;
        let mut state = State::new(
            self.settings,
            server.uri(),
            FAKE_ACCESS_TOKEN.to_owned(),
            FAKE_REFRESH_TOKEN.to_owned(),
        );
        state.chunk_faults = self.chunk_faults;
        let state = Arc::new(Mutex::new(state));
        let routes = [
            (
                "POST",
                "/v2/post/publish/creator_info/query/",
                Route::CreatorInfo,
            ),
            ("POST", "/v2/post/publish/video/init/", Route::VideoInit),
            (
                "POST",
                "/v2/post/publish/inbox/video/init/",
                Route::InboxInit,
            ),
            ("POST", "/v2/post/publish/content/init/", Route::ContentInit),
            ("POST", "/v2/post/publish/status/fetch/", Route::Status),
            ("POST", "/v2/post/publish/cancel/", Route::Cancel),
            ("PUT", "/upload/video/", Route::Chunk),
            ("POST", "/v2/oauth/token/", Route::Token),
        ];
        for (verb, route_path, route) in routes {
            let responder = Responder {
                route,
                state: state.clone(),
            };
            Mock::given(method(verb))
                .and(path(route_path))
                .respond_with(responder)
                .mount(&server)
                .await;
        }
        Mock::given(wiremock::matchers::any())
            .respond_with(ResponseTemplate::new(404).set_body_json(serde_json::json!({
                "data": {},
                "error": {
                    "code": "invalid_param",
                    "message": "The fake does not serve this path.",
                    "log_id": "",
                },
            })))
            .with_priority(u8::MAX)
            .mount(&server)
            .await;
        FakeTikTok { server, state }
    }
}

fn scripted(status: u16, code: &str, message: &str) -> ScriptedError {
    ScriptedError {
        status,
        code: code.to_owned(),
        message: message.to_owned(),
    }
}
