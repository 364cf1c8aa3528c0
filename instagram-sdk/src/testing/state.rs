//! The fake's memory: containers, published media, uploads, tokens and
//! the faults armed for the next requests.

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use super::FakeInstagram;

/// The kind of post a container was made for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Image,
    Reel,
    Story,
    CarouselItem,
    Carousel,
}

impl Kind {
    pub(super) fn product_type(self) -> &'static str {
        match self {
            Kind::Reel => "REELS",
            Kind::Story => "STORY",
            _ => "FEED",
        }
    }
}

/// A container and everything the fake stores about it.
#[derive(Debug, Clone)]
pub(super) struct Container {
    pub(super) kind: Kind,
    pub(super) is_video: bool,
    pub(super) fields: Value,
    pub(super) polls_left: u32,
    pub(super) upload: Option<Vec<u8>>,
    pub(super) upload_size: Option<u64>,
    pub(super) outcome: Outcome,
    pub(super) media_id: Option<String>,
    pub(super) children: Vec<String>,
}

impl Container {
    /// Tells whether the upload, when there is one, is complete.
    pub(super) fn uploaded(&self) -> bool {
        match (&self.upload, self.upload_size) {
            (None, _) => true,
            (Some(bytes), Some(size)) => bytes.len() as u64 == size && size > 0,
            (Some(_), None) => false,
        }
    }

    /// Returns the `status_code` as of now, without counting a poll.
    pub(super) fn status_code(&self) -> &'static str {
        if self.media_id.is_some() {
            return "PUBLISHED";
        }
        match self.outcome {
            Outcome::Expired => "EXPIRED",
            Outcome::Failed(_) => "ERROR",
            Outcome::Ready if !self.uploaded() || self.polls_left > 0 => "IN_PROGRESS",
            Outcome::Ready => "FINISHED",
        }
    }
}

/// The state a container ends in once processed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Outcome {
    Ready,
    Failed(String),
    Expired,
}

/// A published media item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishedMedia {
    /// The media id.
    pub media_id: String,
    /// The container it was published from.
    pub container_id: String,
    /// `FEED`, `STORY` or `REELS`.
    pub media_product_type: String,
    /// `IMAGE`, `VIDEO` or `CAROUSEL_ALBUM`.
    pub media_type: String,
    /// The caption, when the container had one.
    pub caption: Option<String>,
}

/// The fake's state between requests.
#[derive(Debug)]
pub(super) struct State {
    next_id: u64,
    pub(super) base_url: String,
    pub(super) containers: HashMap<String, Container>,
    pub(super) published: Vec<PublishedMedia>,
    pub(super) files: HashMap<String, Vec<u8>>,
    pub(super) ig_tokens: HashSet<String>,
    pub(super) processing_polls: u32,
    pub(super) next_outcome: Option<Outcome>,
    pub(super) lose_publish_responses: u32,
    pub(super) interrupt_upload_after: Option<u64>,
    pub(super) quota_total: u64,
    pub(super) account_type: String,
    pub(super) page_linked: bool,
    pub(super) refreshes: u32,
}

impl State {
    pub(super) fn new(base_url: String) -> State {
        State {
            next_id: 18_000_000_000_000_000,
            base_url,
            containers: HashMap::new(),
            published: Vec::new(),
            files: HashMap::new(),
            ig_tokens: HashSet::from([FakeInstagram::IG_TOKEN.to_owned()]),
            processing_polls: 1,
            next_outcome: None,
            lose_publish_responses: 0,
            interrupt_upload_after: None,
            quota_total: 100,
            account_type: "BUSINESS".to_owned(),
            page_linked: true,
            refreshes: 0,
        }
    }

    /// Returns a new id above 2^53, as Instagram's are.
    pub(super) fn id(&mut self) -> String {
        self.next_id += 1;
        self.next_id.to_string()
    }

    /// Returns the hosted file a URL points to, when it is one of ours.
    pub(super) fn hosted(&self, url: &str) -> Option<&Vec<u8>> {
        let name = url.strip_prefix(&format!("{}/media/", self.base_url))?;
        self.files.get(name)
    }

    /// Returns the number of posts published in the current window.
    pub(super) fn quota_usage(&self) -> u64 {
        self.published.len() as u64
    }
}
