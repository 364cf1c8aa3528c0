//! Publishes one image to a real Instagram professional account.
//!
//! ```text
//! INSTAGRAM_ACCESS_TOKEN=IGAA... \
//! INSTAGRAM_IMAGE_URL=https://cdn.example.com/photo.jpg \
//! INSTAGRAM_IMAGE_FILE=photo.jpg \
//! cargo run -p instagram-sdk --example publish_image
//! ```
//!
//! Set `INSTAGRAM_PAGE_ID` to use Facebook Login with a Page token instead
//! of Instagram Login. `INSTAGRAM_IMAGE_FILE` is optional: when set, the
//! local copy of the image is checked (JPEG, 8 MiB, aspect ratio) first.

use instagram_sdk::{Client, Image, ImagePost};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::var("INSTAGRAM_IMAGE_URL")
        .map_err(|_| "set INSTAGRAM_IMAGE_URL to a public https URL of a JPEG")?;
    let image = match std::env::var("INSTAGRAM_IMAGE_FILE") {
        Ok(path) => Image::hosted_file(path, &url)?,
        Err(_) => Image::url(&url)?,
    };
    let client = Client::from_env()?;

    let limit = client.publishing_limit().await?;
    println!(
        "published {} of {:?} posts in the current window",
        limit.quota_usage, limit.quota_total
    );
    let post = ImagePost::new(image).caption("Posted with instagram-sdk");
    let published = client.publish_image(&post).await?;

    println!(
        "container {} -> media {:?} at {:?}",
        published.container_id, published.media_id, published.permalink
    );
    Ok(())
}
