//! HTTP client settings: timeouts, proxy, extra root certificates, user agent.

use std::fmt;
use std::time::Duration;

use url::Url;

use crate::error::{Error, Result};

/// The proxy requests go through.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProxySetting {
    /// The environment's `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and
    /// `NO_PROXY` (reqwest reads them, in either case); the default.
    FromEnvironment,
    /// Every request goes through this proxy; the environment is ignored.
    Explicit(Url),
    /// Direct connections only, whatever the environment sets.
    None,
}

/// Settings for the HTTP client every SDK builds.
///
/// There is deliberately no timeout on a whole upload: a large file on a slow
/// line may take hours. Instead each chunk has its own timeout, and a
/// connection that stops delivering data fails after the read timeout.
#[derive(Clone)]
pub struct HttpSettings {
    connect_timeout: Duration,
    read_timeout: Duration,
    request_timeout: Duration,
    chunk_timeout: Duration,
    pool_idle_timeout: Duration,
    max_response_bytes: u64,
    proxy: ProxySetting,
    #[cfg(any(feature = "rustls", feature = "native-tls"))]
    root_certificates: Vec<reqwest::Certificate>,
    user_agent: Option<String>,
    client: Option<reqwest::Client>,
}

impl fmt::Debug for HttpSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpSettings")
            .field("connect_timeout", &self.connect_timeout)
            .field("read_timeout", &self.read_timeout)
            .field("request_timeout", &self.request_timeout)
            .field("chunk_timeout", &self.chunk_timeout)
            .field("pool_idle_timeout", &self.pool_idle_timeout)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("proxy", &self.proxy.redacted())
            .field("root_certificates", &self.root_certificate_count())
            .field("user_agent", &self.user_agent)
            .field("custom_client", &self.client.is_some())
            .finish()
    }
}

impl ProxySetting {
    /// Formats the setting without any user name or password in the proxy URL.
    fn redacted(&self) -> String {
        match self {
            ProxySetting::FromEnvironment => "from environment".to_owned(),
            ProxySetting::None => "none".to_owned(),
            ProxySetting::Explicit(url) => {
                let mut url = url.clone();
                let _ = url.set_username("");
                let _ = url.set_password(None);
                url.to_string()
            }
        }
    }
}

impl Default for HttpSettings {
    fn default() -> Self {
        HttpSettings {
            connect_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(60),
            request_timeout: Duration::from_secs(60),
            chunk_timeout: Duration::from_secs(600),
            pool_idle_timeout: Duration::from_secs(90),
            max_response_bytes: 16 * 1024 * 1024,
            proxy: ProxySetting::FromEnvironment,
            #[cfg(any(feature = "rustls", feature = "native-tls"))]
            root_certificates: Vec::new(),
            user_agent: None,
            client: None,
        }
    }
}

impl HttpSettings {
    /// Sets the time allowed to open a connection, TLS included. Default 10 s.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Sets the longest pause between two reads of a response before the
    /// connection counts as dead. Default 60 s.
    pub fn read_timeout(mut self, timeout: Duration) -> Self {
        self.read_timeout = timeout;
        self
    }

    /// Sets the time allowed for one JSON call, from sending to the end of
    /// the response. Default 60 s.
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = timeout;
        self
    }

    /// Sets the time allowed for one upload chunk, from sending to the end of
    /// the response. Default 600 s, enough for 8 MiB at about 110 kbit/s;
    /// raise it for larger chunks on slow lines.
    pub fn chunk_timeout(mut self, timeout: Duration) -> Self {
        self.chunk_timeout = timeout;
        self
    }

    /// Sets how long an idle pooled connection is kept. Default 90 s.
    pub fn pool_idle_timeout(mut self, timeout: Duration) -> Self {
        self.pool_idle_timeout = timeout;
        self
    }

    /// Sets the largest response body read into memory. Default 16 MiB;
    /// a larger body is an `UnexpectedResponse` instead of an allocation the
    /// server controls.
    pub fn max_response_bytes(mut self, bytes: u64) -> Self {
        self.max_response_bytes = bytes;
        self
    }

    /// Returns the largest response body read into memory.
    pub fn max_response_bytes_value(&self) -> u64 {
        self.max_response_bytes
    }

    /// Sends every request through `proxy_url` (`http://`, `https://` or
    /// `socks5://` when reqwest supports it), ignoring the environment.
    pub fn proxy(mut self, proxy_url: &str) -> Result<Self> {
        let url = Url::parse(proxy_url).map_err(|e| {
            Error::invalid_input(
                "proxy",
                format!("not a valid URL ({e}); expected http://host:port"),
            )
        })?;
        self.proxy = ProxySetting::Explicit(url);
        Ok(self)
    }

    /// Connects directly, ignoring any proxy set in the environment.
    pub fn no_proxy(mut self) -> Self {
        self.proxy = ProxySetting::None;
        self
    }

    /// Trusts the certificates of a PEM bundle in addition to the built-in
    /// roots, for networks that inspect TLS. Needs the `rustls` or
    /// `native-tls` feature; without a TLS backend it returns `InvalidInput`.
    pub fn add_root_certificates_pem(mut self, pem: &[u8]) -> Result<Self> {
        #[cfg(any(feature = "rustls", feature = "native-tls"))]
        {
            let certs = reqwest::Certificate::from_pem_bundle(pem).map_err(|e| {
                Error::invalid_input("root_certificates", format!("not a valid PEM bundle: {e}"))
            })?;
            if certs.is_empty() {
                return Err(Error::invalid_input(
                    "root_certificates",
                    "the PEM bundle contains no certificate",
                ));
            }
            self.root_certificates.extend(certs);
            Ok(self)
        }
        #[cfg(not(any(feature = "rustls", feature = "native-tls")))]
        {
            let _ = (&mut self, pem);
            Err(Error::invalid_input(
                "root_certificates",
                "this build has no TLS backend; enable the `rustls` or `native-tls` feature",
            ))
        }
    }

    fn root_certificate_count(&self) -> usize {
        #[cfg(any(feature = "rustls", feature = "native-tls"))]
        {
            self.root_certificates.len()
        }
        #[cfg(not(any(feature = "rustls", feature = "native-tls")))]
        {
            0
        }
    }

    /// Replaces the default user agent `<crate>/<version>`.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Uses the caller's own client instead of building one. Its settings
    /// then apply, except the per-request and per-chunk timeouts, which are
    /// set on every request. Turn off redirects on such a client: a
    /// followed redirect would hide YouTube's 308 Resume Incomplete.
    pub fn client(mut self, client: reqwest::Client) -> Self {
        self.client = Some(client);
        self
    }

    /// Returns the per-request timeout for JSON calls.
    pub fn request_timeout_value(&self) -> Duration {
        self.request_timeout
    }

    /// Returns the per-chunk timeout for uploads.
    pub fn chunk_timeout_value(&self) -> Duration {
        self.chunk_timeout
    }

    /// Returns the proxy setting.
    pub fn proxy_setting(&self) -> &ProxySetting {
        &self.proxy
    }

    /// Builds the client, or returns the caller's. `default_user_agent` is
    /// the SDK's `<crate>/<version>`.
    pub fn build_client(&self, default_user_agent: &str) -> Result<reqwest::Client> {
        if let Some(client) = &self.client {
            return Ok(client.clone());
        }
        let mut builder = reqwest::Client::builder()
            .connect_timeout(self.connect_timeout)
            .read_timeout(self.read_timeout)
            .pool_idle_timeout(self.pool_idle_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(self.user_agent.as_deref().unwrap_or(default_user_agent));
        match &self.proxy {
            ProxySetting::FromEnvironment => {}
            ProxySetting::None => builder = builder.no_proxy(),
            ProxySetting::Explicit(url) => {
                let proxy = reqwest::Proxy::all(url.as_str()).map_err(|e| {
                    Error::invalid_input("proxy", format!("rejected by the HTTP client: {e}"))
                })?;
                builder = builder.proxy(proxy);
            }
        }
        #[cfg(any(feature = "rustls", feature = "native-tls"))]
        for cert in &self.root_certificates {
            builder = builder.add_root_certificate(cert.clone());
        }
        builder.build().map_err(|e| {
            Error::invalid_input(
                "http_settings",
                format!("the HTTP client could not be built: {e}"),
            )
        })
    }
}

/// Tells whether `url` points at this machine: `127.0.0.0/8`, `::1` or
/// `localhost`, where plain `http` is acceptable for local fakes.
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// Parses a base URL given for tests, proxies or regional hosts.
///
/// It must be `https`, except on a loopback host (`127.0.0.0/8`, `::1`,
/// `localhost`), where `http` is allowed for local fakes. The result always
/// ends with `/`, so relative paths join under it.
pub fn parse_base_url(field: &str, value: &str) -> Result<Url> {
    let mut url = Url::parse(value.trim())
        .map_err(|e| Error::invalid_input(field, format!("`{value}` is not a valid URL ({e})")))?;
    let loopback = is_loopback(&url);
    match url.scheme() {
        "https" => {}
        "http" if loopback => {}
        scheme => {
            return Err(Error::invalid_input(
                field,
                format!(
                    "`{value}` uses {scheme}; use an https URL (http is allowed only on loopback hosts)"
                ),
            ));
        }
    }
    if url.host().is_none() {
        return Err(Error::invalid_input(
            field,
            format!("`{value}` has no host"),
        ));
    }
    if !url.username().is_empty() || url.password().is_some() {
        // The value is not echoed: it contains a password.
        return Err(Error::invalid_input(
            field,
            "the URL contains a user name or password; credentials go in the SDK's auth settings",
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::invalid_input(
            field,
            format!("`{value}` has a query or fragment; give only scheme, host and path"),
        ));
    }
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_rules() {
        let ok = [
            ("https://api.x.com", "https://api.x.com/"),
            (
                "https://graph.facebook.com/v24.0",
                "https://graph.facebook.com/v24.0/",
            ),
            ("http://127.0.0.1:8080", "http://127.0.0.1:8080/"),
            ("http://localhost:1/", "http://localhost:1/"),
            ("http://[::1]:9/", "http://[::1]:9/"),
        ];
        for (input, expected) in ok {
            let url = parse_base_url("base_url", input).expect(input);
            assert_eq!(url.as_str(), expected);
        }

        let rejected = [
            "http://api.x.com",
            "ftp://127.0.0.1",
            "not a url",
            "https://api.x.com/?token=1",
            "http://10.0.0.1",
            "https://user:pa55word@api.x.com/",
        ];
        for input in rejected {
            let err = parse_base_url("base_url", input).expect_err(input);
            assert_eq!(err.kind(), crate::ErrorKind::InvalidRequest, "{input}");
            assert!(err.to_string().contains("base_url"), "{input}: {err}");
        }
    }

    #[test]
    fn debug_hides_proxy_password() {
        let settings = HttpSettings::default()
            .proxy("http://user:hunter2@proxy.internal:3128")
            .expect("valid proxy");

        let debug = format!("{settings:?}");

        assert!(!debug.contains("hunter2"));
        assert!(debug.contains("proxy.internal"));
    }

    #[test]
    fn bad_proxy_and_pem_rejected() {
        let proxy = HttpSettings::default().proxy("::nope");
        let pem = HttpSettings::default().add_root_certificates_pem(b"not pem");

        assert!(proxy.is_err());
        assert!(pem.is_err());
    }

    #[test]
    fn default_client_builds() {
        let client = HttpSettings::default()
            .no_proxy()
            .build_client("social-core/test");

        assert!(client.is_ok());
    }
}
