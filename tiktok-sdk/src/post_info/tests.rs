use super::*;

fn creator() -> CreatorInfo {
    let mut info = CreatorInfo::new(vec![
        PrivacyLevel::SelfOnly,
        PrivacyLevel::MutualFollowFriends,
    ]);
    info.comment_disabled = true;
    info.max_video_post_duration_sec = Some(60);
    info
}

#[test]
fn unset_switch_follows_creator() {
    let body = PostInfo::new(PrivacyLevel::SelfOnly)
        .resolve(&creator(), None)
        .expect("valid");

    assert!(body.disable_comment);
    assert!(!body.disable_duet);
}

#[test]
fn enabling_disabled_comments_rejected() {
    let post = PostInfo::new(PrivacyLevel::SelfOnly).disable_comment(false);

    let err = post
        .resolve(&creator(), None)
        .expect_err("comments are off");

    assert!(err.to_string().contains("disable_comment"), "{err}");
}

#[test]
fn long_video_rejected() {
    let post = PostInfo::new(PrivacyLevel::SelfOnly);

    let err = post
        .resolve(&creator(), Some(Duration::from_secs(61)))
        .expect_err("too long");

    assert!(err.to_string().contains("video_duration"), "{err}");
}

#[test]
fn title_counted_in_utf16_units() {
    let emoji_title = "😀".repeat(1100);
    let too_long = "😀".repeat(1101);

    assert!(
        PostInfo::new(PrivacyLevel::SelfOnly)
            .title(emoji_title)
            .validate()
            .is_ok()
    );
    assert!(
        PostInfo::new(PrivacyLevel::SelfOnly)
            .title(too_long)
            .validate()
            .is_err()
    );
}
