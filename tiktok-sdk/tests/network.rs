//! Network settings: per-chunk timeouts on slow uploads, proxies, extra root
//! certificates, and the client-side limiter for TikTok's per-token limits.

#[path = "support/harness.rs"]
mod harness;

use std::time::Duration;

use harness::{
    CREATOR_INFO, STATUS, VIDEO_INIT, catch_all, json_call, json_fixture, json_fixture_at,
};
use social_core::{Error, HttpSettings, MediaSource, RetryPolicy};
use tiktok_sdk::{Client, CreatorInfo, PostInfo, PrivacyLevel};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn slow_network_chunk_gets_chunk_timeout() {
    let server = MockServer::start().await;
    json_call("POST", VIDEO_INIT)
        .respond_with(json_fixture_at(
            200,
            "video_init_file_upload.json",
            &server.uri(),
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/video/"))
        .respond_with(ResponseTemplate::new(201).set_delay(Duration::from_millis(1500)))
        .expect(1)
        .mount(&server)
        .await;
    json_call("POST", STATUS)
        .respond_with(
            json_fixture(200, "status_publish_complete_no_id.json")
                .set_delay(Duration::from_millis(1500)),
        )
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let settings = HttpSettings::default()
        .no_proxy()
        .request_timeout(Duration::from_secs(1))
        .chunk_timeout(Duration::from_secs(10));
    let client = harness::builder(&server.uri(), &harness::timer())
        .http_settings(settings)
        .retry_policy(RetryPolicy::never())
        .build()
        .expect("client");

    let video = MediaSource::file(harness::asset("sample.mp4"));
    let mut started = client
        .direct_post(video.clone(), PostInfo::new(PrivacyLevel::SelfOnly))
        .creator_info(CreatorInfo::new(vec![PrivacyLevel::SelfOnly]))
        .init()
        .await
        .expect("init");

    let upload = client
        .upload(started.upload_mut().expect("upload"), &video, None)
        .await;
    let status = client.fetch_status(started.publish_id()).await;

    assert!(
        upload.is_ok(),
        "a 1.5 s chunk fits the 10 s chunk timeout: {upload:?}"
    );
    let err = status.expect_err("a 1.5 s JSON call passes the 1 s call timeout");
    assert!(
        matches!(&err, Error::Transport(t) if t.is_timeout() && t.operation() == "fetch_status"),
        "{err:?}"
    );
}

#[tokio::test]
async fn explicit_proxy_receives_requests() {
    let proxy = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(CREATOR_INFO))
        .respond_with(json_fixture(200, "creator_info_public.json"))
        .expect(1)
        .mount(&proxy)
        .await;
    catch_all(&proxy).await;
    let settings = harness::settings().proxy(&proxy.uri()).expect("proxy URL");
    // Port 9 on loopback: the request goes to the proxy, never there.
    let client = harness::builder("http://127.0.0.1:9", &harness::timer())
        .http_settings(settings)
        .build()
        .expect("client");

    let creator = client
        .creator_info()
        .await
        .expect("answered through the proxy");

    assert_eq!(creator.privacy_level_options.len(), 3);
}

#[test]
fn corporate_root_certificate_accepted() {
    let pem = harness::fixture("corporate_root_ca.pem");
    let settings = HttpSettings::default()
        .add_root_certificates_pem(pem.as_bytes())
        .expect("valid PEM");

    let client = Client::builder()
        .access_token("act.x")
        .http_settings(settings)
        .build();
    let garbage =
        HttpSettings::default().add_root_certificates_pem(b"-----BEGIN CERTIFICATE-----\nnope");

    assert!(client.is_ok(), "{client:?}");
    assert!(garbage.is_err());
}

#[tokio::test]
async fn known_quota_delays_seventh_init() {
    let server = MockServer::start().await;
    json_call("POST", VIDEO_INIT)
        .respond_with(json_fixture(200, "video_init_pull_from_url.json"))
        .expect(7)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let timer = harness::timer();
    let client = harness::client(&server, &timer);

    for _ in 0..7 {
        client
            .direct_post(
                MediaSource::url("https://media.example.com/a.mp4").expect("url"),
                PostInfo::new(PrivacyLevel::SelfOnly),
            )
            .creator_info(CreatorInfo::new(vec![PrivacyLevel::SelfOnly]))
            .init()
            .await
            .expect("init");
    }

    assert_eq!(timer.sleeps(), vec![Duration::from_secs(60)]);
}

#[tokio::test]
async fn status_quota_keeps_thirty_a_minute() {
    let server = MockServer::start().await;
    json_call("POST", STATUS)
        .respond_with(json_fixture(200, "status_processing_upload.json"))
        .expect(31)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let timer = harness::timer();
    let client = harness::client(&server, &timer);

    for _ in 0..31 {
        client
            .fetch_status("v_pub_file~v2-1.1")
            .await
            .expect("status");
    }

    assert_eq!(timer.sleeps(), vec![Duration::from_secs(60)]);
}

#[tokio::test]
async fn limiter_can_be_turned_off() {
    let server = MockServer::start().await;
    json_call("POST", CREATOR_INFO)
        .respond_with(json_fixture(200, "creator_info_public.json"))
        .expect(21)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let timer = harness::timer();
    let client = harness::builder(&server.uri(), &timer)
        .client_side_limits(false)
        .build()
        .expect("client");

    for _ in 0..21 {
        client.creator_info().await.expect("creator info");
    }

    assert!(timer.sleeps().is_empty());
}
