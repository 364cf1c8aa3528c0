//! A fake of the YouTube Data API on 127.0.0.1 (feature `testing`), for
//! your own tests and for `cargo xtask demo`.
//!
//! [`FakeYouTube`] speaks the resumable upload protocol (session start,
//! chunk `PUT`s with `Content-Range`, status queries, `308` with `Range`),
//! Google's token endpoint, `videos.list`/`update`/`delete`,
//! `thumbnails.set` and `playlistItems.insert`. It checks what a careful
//! client must do (no chunk starts past the server's offset, chunk sizes are
//! multiples of 256 KiB, the bearer token is current) and records every
//! breach in [`FakeYouTube::violations`]. [`Fault`]s inject what real
//! uploads meet: dropped connections, `503 backendError`, a `308` without
//! `Range`, an expiring token, an expired session, a revoked refresh token,
//! a spent quota.
//!
//! ```
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! use youtube_sdk::VideoMetadata;
//! use youtube_sdk::testing::{FakeYouTube, Fault};
//!
//! let fake = FakeYouTube::start().await;
//! fake.inject(Fault::FailChunk { chunk: 2, status: 503, reason: "backendError", keep_bytes: 0 });
//! let client = fake.client_builder().build()?;
//!
//! let video = client
//!     .upload_video(VideoMetadata::new("Test"), "../assets/media/sample.mp4")
//!     .chunk_size(256 * 1024)
//!     .send()
//!     .await?;
//!
//! assert_eq!(video.stats().status_queries, 1);
//! assert!(fake.violations().is_empty());
//! # Ok::<(), social_core::Error>(())
//! # }).unwrap();
//! ```

mod state;

use std::sync::{Arc, Mutex, MutexGuard};

use wiremock::{Mock, MockServer, Request};

use crate::client::ClientBuilder;

use state::State;
pub use state::{FakeVideo, LoggedRequest};

/// The OAuth client id the fake's token endpoint accepts.
pub const CLIENT_ID: &str = "fake-client.apps.googleusercontent.com";
/// The OAuth client secret the fake's token endpoint accepts.
pub const CLIENT_SECRET: &str = "fake-client-secret";
/// The refresh token the fake's token endpoint accepts.
pub const REFRESH_TOKEN: &str = "fake-refresh-token";
/// The access token that is valid when the fake starts.
pub const INITIAL_ACCESS_TOKEN: &str = "fake-access-1";

/// A failure the fake injects. Chunks are numbered from 1 in the order the
/// fake receives them, across sessions; status queries are not counted.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// Closes the connection of chunk `chunk` without a response, keeping
    /// `keep_bytes` of it (rounded down to 256 KiB), as a server does when
    /// the line drops mid-body.
    DropChunk {
        /// Which chunk.
        chunk: u32,
        /// How many of its bytes the server keeps.
        keep_bytes: u64,
    },
    /// Responds to chunk `chunk` with `status` and a Google error body with
    /// `reason` (such as 503 `backendError`), after keeping `keep_bytes` of
    /// it (rounded down to 256 KiB).
    FailChunk {
        /// Which chunk.
        chunk: u32,
        /// HTTP status.
        status: u16,
        /// `errors[0].reason`.
        reason: &'static str,
        /// How many of its bytes the server keeps.
        keep_bytes: u64,
    },
    /// Keeps only `keep_bytes` of chunk `chunk` (rounded down to 256 KiB)
    /// and responds 308 with the shorter `Range`.
    PartialChunk {
        /// Which chunk.
        chunk: u32,
        /// How many of its bytes the server keeps.
        keep_bytes: u64,
    },
    /// The next status query discards every byte of its session and gets
    /// 308 without `Range`.
    ForgetOnStatusQuery,
    /// The access token expires just before chunk `chunk`, which gets 401
    /// `authError`.
    ExpireTokenAtChunk {
        /// Which chunk.
        chunk: u32,
    },
    /// The session expires just before chunk `chunk`: it and every later
    /// request to that session get 404.
    ExpireSessionAtChunk {
        /// Which chunk.
        chunk: u32,
    },
    /// The next status query finds its session expired: it and every later
    /// request to that session get 404.
    ExpireSessionOnStatusQuery,
    /// The token endpoint responds `invalid_grant` from now on.
    RevokeRefreshToken,
    /// The next session start gets 403 `quotaExceeded`.
    QuotaExceeded,
}

/// The running fake. Dropping it stops the server.
pub struct FakeYouTube {
    server: MockServer,
    state: Arc<Mutex<State>>,
}

impl std::fmt::Debug for FakeYouTube {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeYouTube")
            .field("uri", &self.server.uri())
            .finish_non_exhaustive()
    }
}

impl FakeYouTube {
    /// Starts the fake on an ephemeral port of 127.0.0.1.
    pub async fn start() -> FakeYouTube {
        let server = MockServer::builder()
            .disable_request_recording()
            .start()
            .await;
        let state = Arc::new(Mutex::new(State::new(server.uri())));

        let drop_state = state.clone();
        Mock::given(move |request: &Request| lock(&drop_state).take_drop(request))
            .respond_with_err(|_: &Request| {
                std::io::Error::new(
                    std::io::ErrorKind::ConnectionReset,
                    "fault: connection dropped",
                )
            })
            .with_priority(1)
            .mount(&server)
            .await;
        let respond_state = state.clone();
        Mock::given(wiremock::matchers::any())
            .respond_with(move |request: &Request| lock(&respond_state).respond(request))
            .with_priority(2)
            .mount(&server)
            .await;
        FakeYouTube { server, state }
    }

    /// Returns the root URL to give [`ClientBuilder::root_url`].
    pub fn root_url(&self) -> String {
        format!("{}/", self.server.uri())
    }

    /// Returns the address the fake listens on, `http://127.0.0.1:PORT`.
    pub fn server_url(&self) -> String {
        self.server.uri()
    }

    /// Makes session URIs point at `url` instead of the fake itself, for a
    /// proxy such as `social_core::testing::FaultFront` placed in front.
    pub fn set_public_url(&self, url: &str) {
        lock(&self.state).base = url.trim_end_matches('/').to_owned();
    }

    /// Returns the token endpoint's URL.
    pub fn token_url(&self) -> String {
        format!("{}/token", self.server.uri())
    }

    /// Returns a builder pointed at the fake, with the fake's OAuth client,
    /// refresh token and current access token.
    pub fn client_builder(&self) -> ClientBuilder {
        crate::Client::builder()
            .root_url(self.root_url())
            .token_url(self.token_url())
            .oauth_client(CLIENT_ID, CLIENT_SECRET)
            .refresh_token(REFRESH_TOKEN)
            .access_token(INITIAL_ACCESS_TOKEN)
    }

    /// Adds a fault.
    pub fn inject(&self, fault: Fault) {
        lock(&self.state).faults.push(fault);
    }

    /// Invalidates every access token issued so far.
    pub fn expire_access_tokens(&self) {
        lock(&self.state).valid_tokens.clear();
    }

    /// Makes the fake behave like an unverified API project: every upload
    /// ends `private`, whatever was requested.
    pub fn set_unverified_project(&self, unverified: bool) {
        lock(&self.state).unverified = unverified;
    }

    /// Stores a video, for list, update and delete tests.
    pub fn add_video(&self, resource: serde_json::Value) {
        let mut state = lock(&self.state);
        if let Some(id) = resource.get("id").and_then(|v| v.as_str()) {
            let video = FakeVideo::from_resource(id, resource.clone());
            state.videos.insert(id.to_owned(), video);
        }
    }

    /// Returns a stored video.
    pub fn video(&self, id: &str) -> Option<FakeVideo> {
        lock(&self.state).videos.get(id).cloned()
    }

    /// Returns every request the fake received, in order.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        lock(&self.state).log.clone()
    }

    /// Returns how many upload sessions were started.
    pub fn sessions_started(&self) -> usize {
        lock(&self.state).sessions.len()
    }

    /// Returns how many times the token endpoint was called.
    pub fn token_requests(&self) -> usize {
        lock(&self.state).token_requests
    }

    /// Returns the protocol breaches seen: a chunk starting past the
    /// server's offset, a chunk not a multiple of 256 KiB, a body whose
    /// length does not match its `Content-Range`, an unknown request.
    pub fn violations(&self) -> Vec<String> {
        lock(&self.state).violations.clone()
    }

    /// Removes every fault not yet fired (a revoked refresh token included).
    pub fn clear_faults(&self) {
        lock(&self.state).faults.clear();
    }

    /// Returns the faults not yet fired.
    pub fn pending_faults(&self) -> Vec<Fault> {
        lock(&self.state).faults.clone()
    }
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state.lock().unwrap_or_else(|p| p.into_inner())
}

/// FNV-1a over a file, the digest [`FakeVideo::digest`] uses; for checking
/// that an upload arrived byte for byte.
pub fn digest_file(path: impl AsRef<std::path::Path>) -> std::io::Result<u64> {
    use std::io::Read;
    let mut file = std::fs::File::open(path)?;
    let mut digest = state::Fnv::default();
    let mut buffer = vec![0u8; 64 * 1024];
    loop {
        let read = file.read(&mut buffer)?;
        if read == 0 {
            return Ok(digest.value());
        }
        digest.update(&buffer[..read]);
    }
}
