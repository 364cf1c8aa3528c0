//! Uploads a video to X and posts it, with credentials from the environment.
//!
//! ```text
//! export X_CONSUMER_KEY=... X_CONSUMER_SECRET=... X_ACCESS_TOKEN=... X_ACCESS_TOKEN_SECRET=...
//! cargo run -p twitter-sdk --example post_video -- clip.mp4 "Watch this"
//! ```

use social_core::ProgressCallback;
use twitter_sdk::{Client, MediaUpload, NewPost};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args.next().ok_or("usage: post_video <file> [text]")?;
    let text = args.next().unwrap_or_default();
    let client = Client::from_env()?;

    let progress = ProgressCallback::new(|p| {
        eprintln!(
            "uploaded {} of {} bytes ({:.0}%)",
            p.uploaded,
            p.total,
            p.fraction() * 100.0
        );
    });
    let media = client
        .upload_media(MediaUpload::file(path).progress(progress))
        .await?;
    let post = client
        .create_post(&NewPost::new(text).media(&media))
        .await?;

    println!("posted {} with media {}", post.id, media.id);
    Ok(())
}
