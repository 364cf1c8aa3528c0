//! The fake's shared state: accounts, tokens, posts, uploads, faults, the
//! request log and the rate-limit counters.

use std::collections::BTreeMap;
use std::time::{SystemTime, UNIX_EPOCH};

use super::credentials::{FakeOAuth1Credentials, FakeUser};
use super::faults::ArmedFaults;
use super::media::MediaUpload;
use super::oauth2::TokenStore;
use super::processing::ProcessingScript;
use super::rate_limits::RateLimits;
use super::records::{RecordedPost, RecordedRequest};

/// First post id; ids count up from here and have 19 digits.
const FIRST_POST_ID: u64 = 1_866_000_000_000_000_001;
/// First media id; ids count up from here and have 19 digits.
const FIRST_MEDIA_ID: u64 = 1_880_000_000_000_000_001;

/// Everything the fake remembers, behind one mutex.
#[derive(Debug)]
pub(super) struct State {
    /// The URL clients use, with a trailing `/`; OAuth 1.0a signs it.
    pub(super) base_url: String,
    pub(super) user: FakeUser,
    pub(super) oauth1: FakeOAuth1Credentials,
    pub(super) tokens: TokenStore,
    pub(super) posts: Vec<RecordedPost>,
    pub(super) media: BTreeMap<String, MediaUpload>,
    pub(super) processing: ProcessingScript,
    pub(super) faults: ArmedFaults,
    pub(super) log: Vec<RecordedRequest>,
    pub(super) limits: RateLimits,
    next_post: u64,
    next_media: u64,
    next_transaction: u64,
    transaction_salt: u64,
}

impl State {
    pub(super) fn new(base_url: String) -> State {
        let user = FakeUser::default_user();
        let oauth1 = FakeOAuth1Credentials::for_user(&user);
        let salt = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.subsec_nanos().into());
        State {
            base_url,
            user,
            oauth1,
            tokens: TokenStore::new(),
            posts: Vec::new(),
            media: BTreeMap::new(),
            processing: ProcessingScript::default(),
            faults: ArmedFaults::default(),
            log: Vec::new(),
            limits: RateLimits::default(),
            next_post: FIRST_POST_ID,
            next_media: FIRST_MEDIA_ID,
            next_transaction: 1,
            transaction_salt: salt,
        }
    }

    /// Returns a new post id.
    pub(super) fn new_post_id(&mut self) -> String {
        let id = self.next_post;
        self.next_post += 1;
        id.to_string()
    }

    /// Returns a new media id.
    pub(super) fn new_media_id(&mut self) -> String {
        let id = self.next_media;
        self.next_media += 1;
        id.to_string()
    }

    /// Returns a new `x-transaction-id` value, unique per response.
    pub(super) fn new_transaction_id(&mut self) -> String {
        let serial = self.next_transaction;
        self.next_transaction += 1;
        format!("{:08x}{serial:08x}", self.transaction_salt)
    }

    /// Returns the live (not deleted) post with this id.
    pub(super) fn live_post(&self, id: &str) -> Option<&RecordedPost> {
        self.posts
            .iter()
            .find(|post| post.id == id && !post.deleted)
    }
}

/// Returns the current Unix time in seconds.
pub(super) fn now_epoch() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs())
}
