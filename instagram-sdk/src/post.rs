//! The publishable posts (image posts, Reels, stories and carousels), with
//! their optional fields and the checks run before any request.

pub(crate) mod media;

use serde_json::{Map, Value, json};
use social_core::{Error, ProgressCallback, Result};
use url::Url;

pub use media::{Image, Video};

use crate::validate;

/// The maximum number of items in a carousel.
pub const MAX_CAROUSEL_ITEMS: usize = 10;
/// The minimum number of items in a carousel.
pub const MIN_CAROUSEL_ITEMS: usize = 2;
/// The maximum number of collaborators a Reel may invite.
pub const MAX_REEL_COLLABORATORS: usize = 3;

/// The fields shared by feed posts: caption, location and collaborators.
#[derive(Debug, Clone, Default)]
struct FeedFields {
    caption: Option<String>,
    location_id: Option<String>,
    collaborators: Vec<String>,
}

impl FeedFields {
    fn check(&self, max_collaborators: Option<usize>) -> Result<()> {
        if let Some(caption) = &self.caption {
            validate::caption(caption)?;
        }
        if let Some(location) = &self.location_id {
            validate::numeric_id("location_id", location)?;
        }
        validate::collaborators(&self.collaborators, max_collaborators)
    }

    fn write(&self, fields: &mut Map<String, Value>) {
        if let Some(caption) = &self.caption {
            fields.insert("caption".into(), json!(caption));
        }
        if let Some(location) = &self.location_id {
            fields.insert("location_id".into(), json!(location.trim()));
        }
        if !self.collaborators.is_empty() {
            fields.insert("collaborators".into(), json!(self.collaborators));
        }
    }
}

/// A single image in the feed.
#[derive(Debug, Clone)]
pub struct ImagePost {
    image: Image,
    alt_text: Option<String>,
    feed: FeedFields,
}

impl ImagePost {
    /// Creates an image post of `image`.
    pub fn new(image: Image) -> ImagePost {
        ImagePost {
            image,
            alt_text: None,
            feed: FeedFields::default(),
        }
    }

    /// Sets the caption: at most 2,200 characters, 30 hashtags and 20 mentions.
    pub fn caption(mut self, caption: impl Into<String>) -> ImagePost {
        self.feed.caption = Some(caption.into());
        self
    }

    /// Sets the alt text read by screen readers (at most 1,000 characters).
    pub fn alt_text(mut self, text: impl Into<String>) -> ImagePost {
        self.alt_text = Some(text.into());
        self
    }

    /// Sets the location, a Facebook Page id of a place.
    pub fn location_id(mut self, id: impl Into<String>) -> ImagePost {
        self.feed.location_id = Some(id.into());
        self
    }

    /// Invites collaborators by username, without `@`.
    pub fn collaborators<I, S>(mut self, names: I) -> ImagePost
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.feed.collaborators = names.into_iter().map(Into::into).collect();
        self
    }

    pub(crate) async fn container(&self) -> Result<ContainerSpec> {
        self.feed.check(None)?;
        if let Some(text) = &self.alt_text {
            validate::alt_text(text)?;
        }
        self.image.check("image", true).await?;
        let mut fields = Map::new();
        fields.insert(
            "image_url".into(),
            json!(self.image.download_url().as_str()),
        );
        if let Some(text) = &self.alt_text {
            fields.insert("alt_text".into(), json!(text));
        }
        self.feed.write(&mut fields);
        Ok(ContainerSpec::new("image", fields))
    }
}

/// A Reel (`media_type=REELS`), from a public URL or uploaded from disk.
#[derive(Debug, Clone)]
pub struct Reel {
    video: Video,
    feed: FeedFields,
    share_to_feed: Option<bool>,
    cover_url: Option<Url>,
    thumb_offset_ms: Option<u64>,
    audio_name: Option<String>,
    progress: Option<ProgressCallback>,
}

impl Reel {
    /// Creates a Reel of `video`.
    pub fn new(video: Video) -> Reel {
        Reel {
            video,
            feed: FeedFields::default(),
            share_to_feed: None,
            cover_url: None,
            thumb_offset_ms: None,
            audio_name: None,
            progress: None,
        }
    }

    /// Sets the caption: at most 2,200 characters, 30 hashtags and 20 mentions.
    pub fn caption(mut self, caption: impl Into<String>) -> Reel {
        self.feed.caption = Some(caption.into());
        self
    }

    /// Sets whether the Reel also appears in the feed.
    pub fn share_to_feed(mut self, share: bool) -> Reel {
        self.share_to_feed = Some(share);
        self
    }

    /// Sets a cover image (JPEG, public URL); it wins over `thumb_offset`.
    pub fn cover_url(mut self, url: &str) -> Result<Reel> {
        self.cover_url = Some(validate::media_url("cover_url", url)?);
        Ok(self)
    }

    /// Sets the frame used as cover, in milliseconds from the start.
    pub fn thumb_offset_ms(mut self, offset: u64) -> Reel {
        self.thumb_offset_ms = Some(offset);
        self
    }

    /// Sets the name of the Reel's audio.
    pub fn audio_name(mut self, name: impl Into<String>) -> Reel {
        self.audio_name = Some(name.into());
        self
    }

    /// Sets the location, a Facebook Page id of a place.
    pub fn location_id(mut self, id: impl Into<String>) -> Reel {
        self.feed.location_id = Some(id.into());
        self
    }

    /// Invites up to 3 collaborators by username, without `@`.
    pub fn collaborators<I, S>(mut self, names: I) -> Reel
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.feed.collaborators = names.into_iter().map(Into::into).collect();
        self
    }

    /// Reports upload progress of a file upload.
    pub fn progress(mut self, callback: ProgressCallback) -> Reel {
        self.progress = Some(callback);
        self
    }

    pub(crate) async fn container(&self) -> Result<ContainerSpec> {
        self.feed.check(Some(MAX_REEL_COLLABORATORS))?;
        let mut fields = Map::new();
        fields.insert("media_type".into(), json!("REELS"));
        let upload = self
            .video
            .write("video", media::VideoUse::Reel, &mut fields)
            .await?;
        self.feed.write(&mut fields);
        if let Some(share) = self.share_to_feed {
            fields.insert("share_to_feed".into(), json!(share));
        }
        if let Some(url) = &self.cover_url {
            fields.insert("cover_url".into(), json!(url.as_str()));
        }
        if let Some(offset) = self.thumb_offset_ms {
            fields.insert("thumb_offset".into(), json!(offset));
        }
        if let Some(name) = &self.audio_name {
            fields.insert("audio_name".into(), json!(name));
        }
        Ok(ContainerSpec::new("reel", fields).upload(upload, self.progress.clone()))
    }
}

/// A story (`media_type=STORIES`): one image or one video. Stories take no
/// caption.
#[derive(Debug, Clone)]
pub struct Story {
    item: CarouselItem,
    progress: Option<ProgressCallback>,
}

impl Story {
    /// Creates an image story. Any aspect ratio is accepted, and 9:16 fills the screen.
    pub fn image(image: Image) -> Story {
        Story {
            item: CarouselItem::Image(image),
            progress: None,
        }
    }

    /// Creates a video story (3 to 60 seconds, at most 100 MB).
    pub fn video(video: Video) -> Story {
        Story {
            item: CarouselItem::Video(video),
            progress: None,
        }
    }

    /// Reports upload progress of a file upload.
    pub fn progress(mut self, callback: ProgressCallback) -> Story {
        self.progress = Some(callback);
        self
    }

    pub(crate) async fn container(&self) -> Result<ContainerSpec> {
        let mut fields = Map::new();
        fields.insert("media_type".into(), json!("STORIES"));
        let upload = match &self.item {
            CarouselItem::Image(image) => {
                image.check("image", false).await?;
                fields.insert("image_url".into(), json!(image.download_url().as_str()));
                None
            }
            CarouselItem::Video(video) => {
                video
                    .write("video", media::VideoUse::Story, &mut fields)
                    .await?
            }
        };
        Ok(ContainerSpec::new("story", fields).upload(upload, self.progress.clone()))
    }
}

/// One item of a carousel. Items carry no caption, location or
/// collaborators: those belong to the carousel itself.
#[derive(Debug, Clone)]
pub enum CarouselItem {
    /// A JPEG image.
    Image(Image),
    /// A video (`media_type=VIDEO`; Reels cannot go inside carousels).
    Video(Video),
}

/// A carousel of 2 to 10 images and videos.
#[derive(Debug, Clone)]
pub struct Carousel {
    items: Vec<CarouselItem>,
    feed: FeedFields,
    progress: Option<ProgressCallback>,
}

impl Carousel {
    /// Creates a carousel of `items`, in order.
    pub fn new(items: impl IntoIterator<Item = CarouselItem>) -> Carousel {
        Carousel {
            items: items.into_iter().collect(),
            feed: FeedFields::default(),
            progress: None,
        }
    }

    /// Sets the caption of the whole carousel.
    pub fn caption(mut self, caption: impl Into<String>) -> Carousel {
        self.feed.caption = Some(caption.into());
        self
    }

    /// Sets the location of the whole carousel.
    pub fn location_id(mut self, id: impl Into<String>) -> Carousel {
        self.feed.location_id = Some(id.into());
        self
    }

    /// Invites collaborators on the whole carousel, by username without `@`.
    pub fn collaborators<I, S>(mut self, names: I) -> Carousel
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.feed.collaborators = names.into_iter().map(Into::into).collect();
        self
    }

    /// Reports upload progress of video items uploaded from disk.
    pub fn progress(mut self, callback: ProgressCallback) -> Carousel {
        self.progress = Some(callback);
        self
    }

    /// Checks every item and returns the children's containers and the
    /// parent's fields (without `children`, which needs the children's ids).
    pub(crate) async fn containers(&self) -> Result<(Vec<ContainerSpec>, ContainerSpec)> {
        let count = self.items.len();
        if !(MIN_CAROUSEL_ITEMS..=MAX_CAROUSEL_ITEMS).contains(&count) {
            return Err(Error::invalid_input(
                "items",
                format!(
                    "has {count} items; a carousel holds {MIN_CAROUSEL_ITEMS} to {MAX_CAROUSEL_ITEMS}"
                ),
            ));
        }
        self.feed.check(None)?;
        let mut children = Vec::with_capacity(count);
        for (index, item) in self.items.iter().enumerate() {
            children.push(self.child(index, item).await?);
        }
        let mut fields = Map::new();
        fields.insert("media_type".into(), json!("CAROUSEL"));
        self.feed.write(&mut fields);
        Ok((children, ContainerSpec::new("carousel", fields)))
    }

    async fn child(&self, index: usize, item: &CarouselItem) -> Result<ContainerSpec> {
        let field = format!("items[{index}]");
        let mut fields = Map::new();
        fields.insert("is_carousel_item".into(), json!(true));
        let upload = match item {
            CarouselItem::Image(image) => {
                image.check(&field, true).await?;
                fields.insert("image_url".into(), json!(image.download_url().as_str()));
                None
            }
            CarouselItem::Video(video) => {
                fields.insert("media_type".into(), json!("VIDEO"));
                video
                    .write(&field, media::VideoUse::CarouselItem, &mut fields)
                    .await?
            }
        };
        Ok(ContainerSpec::new("carousel item", fields).upload(upload, self.progress.clone()))
    }
}

/// A container to create: its JSON fields, and the file to upload into it
/// through rupload when the media comes from disk.
#[derive(Debug, Clone)]
pub(crate) struct ContainerSpec {
    pub(crate) label: &'static str,
    pub(crate) fields: Map<String, Value>,
    pub(crate) upload: Option<media::Upload>,
    pub(crate) progress: Option<ProgressCallback>,
}

impl ContainerSpec {
    fn new(label: &'static str, fields: Map<String, Value>) -> ContainerSpec {
        ContainerSpec {
            label,
            fields,
            upload: None,
            progress: None,
        }
    }

    fn upload(mut self, upload: Option<media::Upload>, progress: Option<ProgressCallback>) -> Self {
        self.upload = upload;
        self.progress = progress;
        self
    }
}
