//! Instagram content publishing through the Graph API: images, Reels,
//! stories and carousels, published exactly once, with either login.
//!
//! - **Both logins.** [`Client::facebook_login`] sends a Facebook Page or
//!   user token to `graph.facebook.com` and finds the Instagram account
//!   linked to the Page. [`Client::instagram_login`] sends an Instagram user
//!   token to `graph.instagram.com` and publishes as `/me`'s `user_id`
//!   (never the app-scoped `id`). A personal account, or a Page without a
//!   linked professional account, is an `AccountNotEligible` error that
//!   says what to change. [`InstagramAuth`] exchanges login codes and
//!   long-lived tokens and refreshes them.
//! - **Three steps, checked.** A container is created, polled with backoff
//!   until `FINISHED` (up to a configurable deadline, 30 minutes by
//!   default), and only then published. `ERROR` is a `Processing` error
//!   with the subcode from the status text, `EXPIRED` asks for a new
//!   container, an unknown state fails at once, and the deadline gives a
//!   `Timeout` error that keeps the container id.
//! - **Exactly once.** `media_publish` is never repeated blindly. When its
//!   response is lost (timeout, reset, HTML 5xx), the client reads the
//!   container: `PUBLISHED` is success without a second call, `FINISHED`
//!   allows another call. "Not ready" (9007/2207027) waits and retries.
//! - **Checked before sending.** Captions (2,200 characters, 30 hashtags,
//!   20 mentions), collaborators, carousel sizes, JPEG type, size and
//!   aspect ratio of local files, and video types and sizes are checked
//!   before any request, as `InvalidInput` naming the field.
//! - **Uploads from disk.** Videos from disk are streamed to the
//!   container's upload URL and resume from the server's offset after an
//!   interruption.
//! - Errors are classified by Graph code and subcode with Instagram's own
//!   table; ids are strings, exact above 2^53; the publishing quota is read
//!   from `content_publishing_limit`.
//!
//! # Example
//!
//! ```no_run
//! use instagram_sdk::{Carousel, CarouselItem, Client, Image, ImagePost, Reel, Video};
//!
//! # async fn run() -> Result<(), social_core::Error> {
//! let client = Client::instagram_login()
//!     .access_token("IGAA...")
//!     .check_quota_before_publish(true)
//!     .build()?;
//!
//! let image = Image::hosted_file("photo.jpg", "https://cdn.example.com/photo.jpg")?;
//! let post = client
//!     .publish_image(&ImagePost::new(image).caption("Hello #rust"))
//!     .await?;
//! println!("{:?} {:?}", post.media_id, post.permalink);
//!
//! let reel = client
//!     .publish_reel(&Reel::new(Video::file("clip.mp4")).share_to_feed(true))
//!     .await?;
//! let carousel = client
//!     .publish_carousel(&Carousel::new([
//!         CarouselItem::Image(Image::url("https://cdn.example.com/a.jpg")?),
//!         CarouselItem::Video(Video::url("https://cdn.example.com/b.mp4")?),
//!     ]))
//!     .await?;
//! println!("{:?} {:?}", reel.media_id, carousel.media_id);
//! # Ok(())
//! # }
//! ```
//!
//! Bad input is caught before anything is sent. A missing setting fails in
//! `build`, and a post's own checks (such as a collaborator written with
//! `@`) fail when it is published, before the first request:
//!
//! ```
//! let error = instagram_sdk::Client::facebook_login()
//!     .access_token("EAAB...")
//!     .build()
//!     .unwrap_err();
//!
//! assert!(error.to_string().contains("page_id"));
//! ```
//!
//! # Features
//!
//! - `rustls` (default) or `native-tls`: the TLS stack.
//! - `testing`: [`testing::FakeInstagram`], a wiremock fake of Instagram's
//!   publishing API.
#![cfg_attr(not(test), warn(clippy::unwrap_used))]

mod account;
mod auth;
mod client;
mod container;
pub mod error;
mod limit;
mod model;
mod post;
mod publish;
mod upload;
mod validate;

#[cfg(feature = "testing")]
pub mod testing;

pub use auth::{
    INSTAGRAM_OAUTH_URL, InstagramAuth, InstagramAuthBuilder, InstagramRefresh, LongLivedToken,
    MIN_REFRESH_AGE, ShortLivedToken,
};
pub use client::{Client, ClientBuilder, Login};
pub use model::{Account, ContainerState, ContainerStatus, Media, Published, PublishingLimit};
pub use post::media::{MAX_REEL_BYTES, MAX_STORY_VIDEO_BYTES};
pub use post::{
    Carousel, CarouselItem, Image, ImagePost, MAX_CAROUSEL_ITEMS, MAX_REEL_COLLABORATORS,
    MIN_CAROUSEL_ITEMS, Reel, Story, Video,
};
pub use validate::{
    MAX_ALT_TEXT_CHARS, MAX_ASPECT_RATIO, MAX_CAPTION_CHARS, MAX_HASHTAGS, MAX_IMAGE_BYTES,
    MAX_MENTIONS, MIN_ASPECT_RATIO,
};
