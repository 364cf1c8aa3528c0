//! Uploads a video to the user's TikTok inbox as a draft. The user finishes
//! the post in the TikTok app.
//!
//! ```text
//! TIKTOK_ACCESS_TOKEN=act.… cargo run -p tiktok-sdk --example inbox_upload -- clip.mp4
//! ```
//!
//! The token needs the `video.upload` scope. If polling times out, the
//! publish id printed can be checked again later with `wait_for_publish`.

use social_core::{Error, MediaSource};
use tiktok_sdk::Client;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("usage: inbox_upload VIDEO")?;
    let client = Client::from_env()?;

    match client.inbox_upload(MediaSource::file(path)).send().await {
        Ok(outcome) => println!("{}: {}", outcome.publish_id, outcome.status),
        Err(Error::Timeout(timeout)) => {
            println!("still processing; check {} again later", timeout.id());
        }
        Err(error) => return Err(error.into()),
    }
    Ok(())
}
