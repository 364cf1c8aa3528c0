//! Posts a video to the TikTok account of the access token.
//!
//! ```text
//! TIKTOK_ACCESS_TOKEN=act.… cargo run -p tiktok-sdk --example direct_post -- clip.mp4 "My caption"
//! ```
//!
//! The privacy level is `SELF_ONLY` unless `TIKTOK_PRIVACY` names another of
//! the levels the creator info query offers. Apps that have not passed
//! TikTok's audit can post only to private accounts, as `SELF_ONLY`.

use std::io::Write;

use social_core::{MediaSource, ProgressCallback};
use tiktok_sdk::{Client, PostInfo, PrivacyLevel};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args.next().ok_or("usage: direct_post VIDEO [CAPTION]")?;
    let caption = args.next().unwrap_or_default();
    let privacy = std::env::var("TIKTOK_PRIVACY").unwrap_or_else(|_| "SELF_ONLY".to_owned());

    let client = Client::from_env()?;
    let creator = client.creator_info().await?;
    let offered: Vec<&str> = creator
        .privacy_level_options
        .iter()
        .map(PrivacyLevel::as_str)
        .collect();
    println!(
        "posting as {:?}; privacy levels offered: {}",
        creator.creator_username,
        offered.join(", ")
    );

    let progress = ProgressCallback::new(|p| {
        print!("\ruploaded {:>3.0}%", p.fraction() * 100.0);
        let _ = std::io::stdout().flush();
    });
    let post = PostInfo::new(PrivacyLevel::from_name(&privacy)).title(caption);
    let outcome = client
        .direct_post(MediaSource::file(path), post)
        .creator_info(creator)
        .progress(progress)
        .send()
        .await?;

    println!("\n{}: {}", outcome.publish_id, outcome.status);
    match outcome.post_id() {
        Some(id) => println!("public post id {id}"),
        None => println!("no public post id yet; TikTok assigns one after moderation"),
    }
    Ok(())
}
