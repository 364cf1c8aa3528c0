//! Uploads a local video as a Reel to a real Instagram professional account.
//!
//! ```text
//! INSTAGRAM_PAGE_ID=1234567890 INSTAGRAM_ACCESS_TOKEN=EAAB... \
//! INSTAGRAM_VIDEO_FILE=clip.mp4 \
//! cargo run -p instagram-sdk --example publish_reel
//! ```
//!
//! Meta documents uploads from disk for Facebook Login, so this example
//! suits a Page token; with Instagram Login, prefer a public video URL.

use instagram_sdk::{Client, Reel, Video};
use social_core::ProgressCallback;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::var("INSTAGRAM_VIDEO_FILE")
        .map_err(|_| "set INSTAGRAM_VIDEO_FILE to an MP4 or MOV file")?;
    let client = Client::from_env()?;
    let progress = ProgressCallback::new(|p| {
        eprintln!("uploaded {} of {} bytes", p.uploaded, p.total);
    });

    let reel = Reel::new(Video::file(path))
        .caption("Uploaded with instagram-sdk")
        .share_to_feed(true)
        .progress(progress);
    let published = client.publish_reel(&reel).await?;

    println!(
        "container {} -> media {:?} at {:?}",
        published.container_id, published.media_id, published.permalink
    );
    Ok(())
}
