//! Checks the configured token, then publishes a text post.
//!
//! Reads `FACEBOOK_PAGE_ID` and `FACEBOOK_PAGE_ACCESS_TOKEN` (or
//! `FACEBOOK_USER_ACCESS_TOKEN`), plus the optional `FACEBOOK_APP_ID` and
//! `FACEBOOK_APP_SECRET`. This posts to the real Page.
//!
//! ```text
//! cargo run -p facebook-sdk --example publish_post -- "Hello from Rust"
//! ```

use facebook_sdk::{Client, FeedPost};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let message = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "Hello from facebook-sdk".to_owned());
    let client = Client::from_env()?;

    let report = client.verify().await?;
    if !report.is_ready() {
        eprintln!("the token is not ready to publish: {report}");
        return Ok(());
    }

    let post = client.publish_post(&FeedPost::text(message)).await?;
    println!("posted {}", post.id);
    if let Some(url) = post.permalink_url {
        println!("{url}");
    }
    Ok(())
}
