//! Uploads a video file to the Page with the chunked flow and waits until
//! Facebook has processed it.
//!
//! Reads the same variables as the `publish_post` example. This publishes
//! the video on the real Page.
//!
//! ```text
//! cargo run -p facebook-sdk --example upload_video -- clip.mp4 "Title"
//! ```

use facebook_sdk::{Client, VideoDetails, VideoUpload};
use social_core::{MediaSource, ProgressCallback};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: upload_video <file.mp4> [title]");
        return Ok(());
    };
    let title = args
        .next()
        .unwrap_or_else(|| "Uploaded with facebook-sdk".to_owned());
    let client = Client::from_env()?;

    let progress = ProgressCallback::new(|p| eprintln!("{} / {} bytes", p.uploaded, p.total));
    let upload = VideoUpload::new(MediaSource::file(path))
        .details(VideoDetails::new().title(title))
        .progress(progress);
    let video = client.upload_video(&upload).await?;

    println!("video {} is ready", video.video_id);
    Ok(())
}
