//! Uploads a video with real credentials from the environment, resuming
//! a saved session when one exists.
//!
//! ```sh
//! GOOGLE_CLIENT_ID=… GOOGLE_CLIENT_SECRET=… YOUTUBE_REFRESH_TOKEN=… \
//!     cargo run -p youtube-sdk --example upload -- clip.mp4 "My title"
//! ```
//!
//! The session is saved next to the video as `<file>.upload-session.json`
//! after every confirmed chunk; run the same command again after an
//! interruption and the upload continues where the server stopped. The
//! video is uploaded as private.

use std::path::PathBuf;
use std::process::ExitCode;

use social_core::ProgressCallback;
use youtube_sdk::{Client, UploadSession, VideoMetadata};

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("upload: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let file = PathBuf::from(args.next().ok_or("usage: upload FILE [TITLE]")?);
    let title = args
        .next()
        .unwrap_or_else(|| "Uploaded with youtube-sdk".to_owned());
    let session_file = PathBuf::from(format!("{}.upload-session.json", file.display()));
    let client = Client::from_env()?;

    let progress =
        ProgressCallback::new(|p| eprint!("\r{:>5.1}% of {} bytes", p.fraction() * 100.0, p.total));
    let mut upload = match std::fs::read_to_string(&session_file) {
        Ok(json) => {
            eprintln!("resuming the upload saved in {}", session_file.display());
            let session = UploadSession::from_json(&json)?;
            client
                .resume_upload(session)
                .await?
                .on_progress(progress)
                .on_session_change(saver(session_file.clone()))
        }
        Err(_) => {
            let metadata = VideoMetadata::new(title).made_for_kids(false);
            client
                .upload_video(metadata, &file)
                .on_progress(progress)
                .on_session_change(saver(session_file.clone()))
                .begin()
                .await?
        }
    };

    let video = upload.finish().await?;
    let _ = std::fs::remove_file(&session_file);
    eprintln!();
    println!("{} {}", video.id(), video.video().watch_url());
    println!("privacy: {}", video.privacy_summary());
    Ok(())
}

/// Returns a callback that writes the session to `path` after each change.
fn saver(path: PathBuf) -> impl Fn(&UploadSession) + Send + Sync + 'static {
    move |session| {
        if let Err(error) = std::fs::write(&path, session.to_json()) {
            eprintln!(
                "\ncannot save the upload session to {}: {error}",
                path.display()
            );
        }
    }
}
