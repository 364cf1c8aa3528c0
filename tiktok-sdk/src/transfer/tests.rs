use std::time::SystemTime;

use super::*;

#[test]
fn content_range_forms() {
    assert_eq!(
        parse_content_range("bytes 0-9999/50000123"),
        Some((Some(9999), 50_000_123))
    );
    assert_eq!(parse_content_range("bytes */100"), Some((None, 100)));
    assert_eq!(parse_content_range("bytes 5-9/100"), None);
    assert_eq!(parse_content_range("items 0-9/100"), None);
    assert_eq!(parse_content_range("bytes 0-x/100"), None);
}

#[test]
fn debug_hides_upload_token() {
    let session = UploadSession {
        publish_id: "v_pub_file~1".to_owned(),
        upload_url: "https://open-upload.tiktokapis.com/video/?upload_id=1&upload_token=SECRET"
            .to_owned(),
        content_type: "video/mp4".to_owned(),
        video_size: 10,
        chunk_size: 10,
        chunk_count: 1,
        uploaded: 0,
        issued_at: SystemTime::UNIX_EPOCH,
        file: None,
    };

    let debug = format!("{session:?}");

    assert!(!debug.contains("SECRET"), "{debug}");
    assert!(debug.contains("open-upload.tiktokapis.com/video/"));
}
