//! The fake's state: its settings, the posts it created, and the bytes each
//! upload received.

use std::collections::HashMap;

use crate::model::{CreatorInfo, PrivacyLevel};

/// A scripted response to chunk uploads: `status` for the next `times` `PUT`s
/// of chunk `index`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ChunkFault {
    pub(crate) index: u64,
    pub(crate) status: u16,
    pub(crate) times: u32,
}

/// A scripted error response: HTTP status, TikTok code and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ScriptedError {
    pub(crate) status: u16,
    pub(crate) code: String,
    pub(crate) message: String,
}

/// The fake's settings, fixed when it starts.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub(crate) creator: CreatorInfo,
    pub(crate) unaudited: bool,
    pub(crate) processing_polls: u32,
    pub(crate) fail_reason: Option<String>,
    pub(crate) creator_error: Option<ScriptedError>,
    pub(crate) init_error: Option<ScriptedError>,
    pub(crate) client_key: String,
    pub(crate) client_secret: String,
}

/// The media source of a post.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    FileUpload,
    PullFromUrl,
}

/// The destination of a post.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Destination {
    Direct,
    Inbox,
}

/// One post the fake created at init.
#[derive(Debug, Clone)]
pub(crate) struct FakePost {
    pub(crate) destination: Destination,
    pub(crate) source: Source,
    pub(crate) public: bool,
    pub(crate) video_size: u64,
    pub(crate) chunk_size: u64,
    pub(crate) chunk_count: u64,
    pub(crate) upload_token: String,
    pub(crate) received: Vec<u8>,
    pub(crate) upload_complete: bool,
    pub(crate) status_polls: u32,
    pub(crate) cancelled: bool,
}

impl FakePost {
    /// Returns the plan's range for chunk `index`: (first byte, length).
    pub(crate) fn chunk_range(&self, index: u64) -> Option<(u64, u64)> {
        if index >= self.chunk_count {
            return None;
        }
        let start = index * self.chunk_size;
        let len = if index + 1 == self.chunk_count {
            self.video_size - start
        } else {
            self.chunk_size
        };
        Some((start, len))
    }
}

/// Counts of what the fake received, by endpoint.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct FakeCounts {
    /// Creator info queries.
    pub creator_info: u32,
    /// Init calls of every kind (video, inbox, photo).
    pub init: u32,
    /// Chunk `PUT`s, whatever their response.
    pub chunk_puts: u32,
    /// Status fetches.
    pub status: u32,
    /// Cancel calls.
    pub cancel: u32,
    /// Token endpoint calls.
    pub token: u32,
}

/// The fake's whole mutable state, behind one lock.
#[derive(Debug)]
pub(crate) struct State {
    pub(crate) settings: Settings,
    pub(crate) public_url: String,
    pub(crate) access_token: String,
    pub(crate) refresh_token: String,
    pub(crate) token_generation: u32,
    pub(crate) posts: HashMap<String, FakePost>,
    pub(crate) uploads: HashMap<String, String>,
    pub(crate) chunk_faults: Vec<ChunkFault>,
    pub(crate) uploads_expired: bool,
    pub(crate) counts: FakeCounts,
    next_id: u64,
}

impl State {
    pub(crate) fn new(
        settings: Settings,
        public_url: String,
        access_token: String,
        refresh_token: String,
    ) -> State {
        State {
            settings,
            public_url,
            access_token,
            refresh_token,
            token_generation: 0,
            posts: HashMap::new(),
            uploads: HashMap::new(),
            chunk_faults: Vec::new(),
            uploads_expired: false,
            counts: FakeCounts::default(),
            next_id: 0,
        }
    }

    /// Returns a fresh number for ids and log ids.
    pub(crate) fn next_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    /// Returns a log id shaped like TikTok's.
    pub(crate) fn log_id(&mut self) -> String {
        format!("20261204120000FAKE{:012}", self.next_id())
    }

    /// Tells whether the creator's account counts as public: its options
    /// include `PUBLIC_TO_EVERYONE`.
    pub(crate) fn account_is_public(&self) -> bool {
        self.settings
            .creator
            .allows(&PrivacyLevel::PublicToEveryone)
    }

    /// Stores a new post and returns its publish id and upload URL.
    pub(crate) fn create_post(
        &mut self,
        prefix: &str,
        mut post: FakePost,
    ) -> (String, Option<String>) {
        let id = self.next_id();
        let publish_id = format!("{prefix}~v2-1.{:018}", 7_000_000_000_000_000_000u64 + id);
        let upload_url = (post.source == Source::FileUpload).then(|| {
            let upload_id = format!("{:019}", 7_100_000_000_000_000_000u64 + id);
            post.upload_token = format!("fake-upload-token-{id}");
            self.uploads.insert(upload_id.clone(), publish_id.clone());
            format!(
                "{}/upload/video/?upload_id={upload_id}&upload_token={}",
                self.public_url.trim_end_matches('/'),
                post.upload_token
            )
        });
        self.posts.insert(publish_id.clone(), post);
        (publish_id, upload_url)
    }

    /// Takes one scripted fault for chunk `index`, if any is left.
    pub(crate) fn take_chunk_fault(&mut self, index: u64) -> Option<u16> {
        let fault = self
            .chunk_faults
            .iter_mut()
            .find(|f| f.index == index && f.times > 0)?;
        fault.times -= 1;
        Some(fault.status)
    }
}

/// Checks a `FILE_UPLOAD` source against TikTok's chunk rules, independently
/// of the SDK's planner. The rules are the floor count, 1 to 1000 chunks,
/// chunks of 5 MiB to 64 000 000 bytes and a last chunk of at most
/// 128 000 000 bytes. Uploads under 5 MiB go whole, and uploads over
/// 64 000 000 bytes need several chunks.
pub(crate) fn check_chunk_rules(
    video_size: u64,
    chunk_size: u64,
    count: u64,
) -> Result<(), String> {
    const FIVE_MIB: u64 = 5 * 1024 * 1024;
    if video_size == 0 || chunk_size == 0 {
        return Err("video_size and chunk_size must be positive".to_owned());
    }
    if count != (video_size / chunk_size).max(1) {
        return Err(format!(
            "total_chunk_count must be floor(video_size / chunk_size), not {count}"
        ));
    }
    if !(1..=1000).contains(&count) {
        return Err("total_chunk_count must be 1 to 1000".to_owned());
    }
    if video_size < FIVE_MIB && chunk_size != video_size {
        return Err("a video under 5 MB must be uploaded whole".to_owned());
    }
    if count == 1 {
        return if video_size > 64_000_000 {
            Err("a video over 64 MB needs several chunks".to_owned())
        } else {
            Ok(())
        };
    }
    if !(FIVE_MIB..=64_000_000).contains(&chunk_size) {
        return Err("chunk_size must be 5 MB to 64 MB".to_owned());
    }
    if video_size - (count - 1) * chunk_size > 128_000_000 {
        return Err("the last chunk must be at most 128 MB".to_owned());
    }
    Ok(())
}
