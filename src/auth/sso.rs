//! Single sign-on with OpenID Connect: Login.gov's profile (authorization
//! code with PKCE, a `private_key_jwt` client assertion, `acr_values`) and
//! the common one of Entra ID and Okta (a client secret). Providers are
//! listed in a settings file. A person is matched by a verified email to
//! an account that already exists: signing in with a provider never makes
//! an account, and Waymark keeps its own roles.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use openidconnect::core::{
    CoreAuthDisplay, CoreAuthenticationFlow, CoreClaimName, CoreClaimType, CoreClient,
    CoreClientAuthMethod, CoreGrantType, CoreJsonWebKey, CoreJweContentEncryptionAlgorithm,
    CoreJweKeyManagementAlgorithm, CoreJwsSigningAlgorithm, CoreResponseMode, CoreResponseType,
    CoreRsaPrivateSigningKey, CoreSubjectIdentifierType,
};
use openidconnect::{
    AuthType, AuthenticationContextClass, AuthorizationCode, ClientId, ClientSecret, CsrfToken,
    IssuerUrl, JsonWebKeyId, Nonce, OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier,
    PrivateSigningKey, RedirectUrl, Scope, TokenResponse,
};
use serde::{Deserialize, Serialize};

use super::secret;

/// How a provider knows Waymark at its token endpoint.
#[derive(Clone)]
pub enum ClientAuth {
    /// Entra ID, Okta: a shared secret.
    Secret(String),
    /// Login.gov: a JWT signed with Waymark's private key (PKCS#1 PEM).
    PrivateKey { pem: String, key_id: Option<String> },
}

/// One provider, from the settings file.
#[derive(Clone)]
pub struct Provider {
    /// In addresses: `/signin/sso/{key}`.
    pub key: String,
    /// On the button: "Sign in with {label}".
    pub label: String,
    pub issuer: String,
    pub client_id: String,
    pub auth: ClientAuth,
    pub acr_values: Vec<String>,
}

impl std::fmt::Debug for Provider {
    // The secret and the key stay out of every log line.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Provider")
            .field("key", &self.key)
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProvidersFile {
    #[serde(default)]
    provider: Vec<ProviderEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProviderEntry {
    key: String,
    label: String,
    issuer: String,
    client_id: String,
    client_secret: Option<String>,
    private_key_file: Option<String>,
    key_id: Option<String>,
    #[serde(default)]
    acr_values: Vec<String>,
}

/// Reads the providers file: each provider with a key of letters, digits
/// and dashes, an http(s) issuer, and either a secret or a private key.
pub fn load(path: &std::path::Path) -> Result<Vec<Provider>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read it ({e})"))?;
    let file: ProvidersFile = toml::from_str(&text).map_err(|e| e.message().to_owned())?;
    let mut out: Vec<Provider> = Vec::new();
    for p in file.provider {
        let key = p.key.trim().to_owned();
        if key.is_empty() || !key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            return Err(format!(
                "provider key '{key}' must be letters, digits and dashes"
            ));
        }
        if out.iter().any(|o| o.key == key) {
            return Err(format!("provider key '{key}' is given twice"));
        }
        if url::Url::parse(&p.issuer).map_or(true, |u| !matches!(u.scheme(), "http" | "https")) {
            return Err(format!(
                "provider '{key}': issuer must be an https:// address (http:// only for testing)"
            ));
        }
        let auth = match (p.client_secret, p.private_key_file) {
            (Some(s), None) => ClientAuth::Secret(s),
            (None, Some(file)) => {
                let pem = std::fs::read_to_string(&file)
                    .map_err(|e| format!("provider '{key}': cannot read {file} ({e})"))?;
                CoreRsaPrivateSigningKey::from_pem(&pem, None).map_err(|_| {
                    format!("provider '{key}': {file} is not an RSA private key in PEM (PKCS#1)")
                })?;
                ClientAuth::PrivateKey {
                    pem,
                    key_id: p.key_id,
                }
            }
            _ => {
                return Err(format!(
                    "provider '{key}': give either client_secret or private_key_file"
                ));
            }
        };
        out.push(Provider {
            key,
            label: p.label,
            issuer: p.issuer,
            client_id: p.client_id,
            auth,
            acr_values: p.acr_values,
        });
    }
    Ok(out)
}

/// What the browser keeps between leaving for the provider and coming
/// back: signed by Waymark, so it cannot be changed, and short-lived.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Flow {
    pub provider: String,
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: String,
    pub next: String,
    pub expires_at: i64,
}

pub const FLOW_MS: i64 = 10 * 60_000;

/// The flow cookie's name: `__Host-` only where cookies are HTTPS-only.
pub fn flow_cookie_name(https: bool) -> &'static str {
    if https {
        "__Host-waymark_sso"
    } else {
        "waymark_sso"
    }
}

pub fn seal(key: &[u8], flow: &Flow) -> String {
    let body = URL_SAFE_NO_PAD.encode(serde_json::to_vec(flow).unwrap_or_default());
    let mac = secret::sign(key, &format!("sso:{body}"));
    format!("{body}.{mac}")
}

pub fn open(key: &[u8], value: &str, now: i64) -> Option<Flow> {
    let (body, mac) = value.split_once('.')?;
    if !secret::same(&secret::sign(key, &format!("sso:{body}")), mac) {
        return None;
    }
    let flow: Flow = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(body).ok()?).ok()?;
    (flow.expires_at > now).then_some(flow)
}

/// Why a return from a provider is refused.
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    /// No sign-in was started here, it took too long, or the state differs.
    NotStartedHere,
    /// The provider said no, or could not be reached.
    Provider(String),
    /// The ID token did not check out (signature, audience, nonce, time).
    BadIdToken(String),
    /// No verified email address in the ID token.
    NoVerifiedEmail,
}

/// The one part of a provider's discovery document beyond the core:
/// where its own sign-out is.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct SessionEnd {
    #[serde(default)]
    end_session_endpoint: Option<String>,
}

impl openidconnect::AdditionalProviderMetadata for SessionEnd {}

type CoreProviderMetadata = openidconnect::ProviderMetadata<
    SessionEnd,
    CoreAuthDisplay,
    CoreClientAuthMethod,
    CoreClaimName,
    CoreClaimType,
    CoreGrantType,
    CoreJweContentEncryptionAlgorithm,
    CoreJweKeyManagementAlgorithm,
    CoreJsonWebKey,
    CoreResponseMode,
    CoreResponseType,
    CoreSubjectIdentifierType,
>;

/// The providers and what was learned of them (discovery, keys).
pub struct Directory {
    pub providers: Vec<Provider>,
    http: openidconnect::reqwest::Client,
    discovered: Mutex<HashMap<String, (Instant, CoreProviderMetadata)>>,
}

/// How long a provider's discovery document (and its signing keys) are kept.
const DISCOVERY_KEPT: Duration = Duration::from_secs(3600);

impl Directory {
    pub fn new(providers: Vec<Provider>) -> Directory {
        let http = openidconnect::reqwest::ClientBuilder::new()
            // Following redirects would open the way to SSRF.
            .redirect(openidconnect::reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .build()
            .expect("an HTTP client builds");
        Directory {
            providers,
            http,
            discovered: Mutex::new(HashMap::new()),
        }
    }

    pub fn find(&self, key: &str) -> Option<&Provider> {
        self.providers.iter().find(|p| p.key == key)
    }

    async fn metadata(&self, p: &Provider) -> Result<CoreProviderMetadata, String> {
        if let Some((at, m)) = self
            .discovered
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&p.key)
            && at.elapsed() < DISCOVERY_KEPT
        {
            return Ok(m.clone());
        }
        let issuer = IssuerUrl::new(p.issuer.clone()).map_err(|e| e.to_string())?;
        let m = CoreProviderMetadata::discover_async(issuer, &self.http)
            .await
            .map_err(|e| format!("discovery failed: {e}"))?;
        self.discovered
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(p.key.clone(), (Instant::now(), m.clone()));
        Ok(m)
    }

    /// The provider's address to send the browser to, and the flow to keep.
    pub async fn start(
        &self,
        p: &Provider,
        redirect: &str,
        next: &str,
        now: i64,
    ) -> Result<(String, Flow), String> {
        let meta = self.metadata(p).await?;
        let client =
            CoreClient::from_provider_metadata(meta, ClientId::new(p.client_id.clone()), None)
                .set_redirect_uri(
                    RedirectUrl::new(redirect.to_owned()).map_err(|e| e.to_string())?,
                );
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut request = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .add_scope(Scope::new("email".into()))
            .set_pkce_challenge(challenge);
        for acr in &p.acr_values {
            request = request.add_auth_context_value(AuthenticationContextClass::new(acr.clone()));
        }
        let (url, state, nonce) = request.url();
        Ok((
            url.to_string(),
            Flow {
                provider: p.key.clone(),
                state: state.secret().clone(),
                nonce: nonce.secret().clone(),
                pkce_verifier: verifier.secret().clone(),
                next: next.to_owned(),
                expires_at: now + FLOW_MS,
            },
        ))
    }

    /// Trades the code for tokens and checks the ID token; answers the
    /// verified email address it names.
    pub async fn finish(
        &self,
        p: &Provider,
        flow: &Flow,
        redirect: &str,
        code: &str,
        state: &str,
    ) -> Result<String, Refused> {
        if !secret::same(&flow.state, state) || flow.provider != p.key {
            return Err(Refused::NotStartedHere);
        }
        let meta = self.metadata(p).await.map_err(Refused::Provider)?;
        let token_url = meta
            .token_endpoint()
            .map(|u| u.url().to_string())
            .unwrap_or_default();
        let secret = match &p.auth {
            ClientAuth::Secret(s) => Some(ClientSecret::new(s.clone())),
            ClientAuth::PrivateKey { .. } => None,
        };
        let redirect =
            RedirectUrl::new(redirect.to_owned()).map_err(|e| Refused::Provider(e.to_string()))?;
        let mut client =
            CoreClient::from_provider_metadata(meta, ClientId::new(p.client_id.clone()), secret)
                .set_redirect_uri(redirect);
        if matches!(p.auth, ClientAuth::PrivateKey { .. }) {
            client = client.set_auth_type(AuthType::RequestBody);
        }
        let mut request = client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .map_err(|e| Refused::Provider(e.to_string()))?
            .set_pkce_verifier(PkceCodeVerifier::new(flow.pkce_verifier.clone()));
        if let ClientAuth::PrivateKey { pem, key_id } = &p.auth {
            let assertion = client_assertion(&p.client_id, &token_url, pem, key_id.as_deref())
                .map_err(Refused::Provider)?;
            request = request
                .add_extra_param(
                    "client_assertion_type",
                    "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                )
                .add_extra_param("client_assertion", assertion);
        }
        let tokens = request
            .request_async(&self.http)
            .await
            .map_err(|e| Refused::Provider(describe(&e)))?;
        let id_token = tokens
            .id_token()
            .ok_or_else(|| Refused::BadIdToken("no ID token".into()))?;
        let claims = id_token
            .claims(&client.id_token_verifier(), &Nonce::new(flow.nonce.clone()))
            .map_err(|e| Refused::BadIdToken(e.to_string()))?;
        if let (Some(email), Some(true)) = (claims.email(), claims.email_verified()) {
            return Ok(email.as_str().to_owned());
        }
        // Many providers give the email only from their userinfo endpoint,
        // for the same subject as the ID token's.
        let subject = claims.subject().clone();
        let request = client
            .user_info(tokens.access_token().clone(), Some(subject))
            .map_err(|_| Refused::NoVerifiedEmail)?;
        let info: openidconnect::core::CoreUserInfoClaims = request
            .request_async(&self.http)
            .await
            .map_err(|e| Refused::Provider(describe(&e)))?;
        match (info.email(), info.email_verified()) {
            (Some(email), Some(true)) => Ok(email.as_str().to_owned()),
            _ => Err(Refused::NoVerifiedEmail),
        }
    }

    /// The provider's sign-out address, if it has one.
    pub async fn end_session_url(&self, p: &Provider) -> Option<String> {
        let meta = self.metadata(p).await.ok()?;
        meta.additional_metadata().end_session_endpoint.clone()
    }
}

/// A request error with its causes, for the log (never for the page).
fn describe(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        text.push_str(&format!(": {c}"));
        cause = c.source();
    }
    text
}

/// The JWT that proves Waymark is the client (RFC 7523), signed RS256.
pub fn client_assertion(
    client_id: &str,
    token_url: &str,
    pem: &str,
    key_id: Option<&str>,
) -> Result<String, String> {
    let key = CoreRsaPrivateSigningKey::from_pem(pem, key_id.map(|k| JsonWebKeyId::new(k.into())))?;
    let now = crate::time::now_ms() / 1000;
    let mut header = serde_json::json!({"alg": "RS256", "typ": "JWT"});
    if let Some(k) = key_id {
        header["kid"] = serde_json::Value::String(k.to_owned());
    }
    let claims = serde_json::json!({
        "iss": client_id,
        "sub": client_id,
        "aud": token_url,
        "jti": secret::random_token(),
        "iat": now,
        "exp": now + 300,
    });
    let signing_input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let signature = key
        .sign(
            &CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
            signing_input.as_bytes(),
        )
        .map_err(|e| e.to_string())?;
    Ok(format!(
        "{signing_input}.{}",
        URL_SAFE_NO_PAD.encode(signature)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use openidconnect::JsonWebKey;

    const KEY: &[u8] = b"a key for the tests, long enough";

    fn flow() -> Flow {
        Flow {
            provider: "logingov".into(),
            state: "s".into(),
            nonce: "n".into(),
            pkce_verifier: "v".into(),
            next: "/".into(),
            expires_at: 10_000,
        }
    }

    #[test]
    fn the_flow_cookie_is_signed_and_ends() {
        let value = seal(KEY, &flow());
        assert_eq!(open(KEY, &value, 9_999), Some(flow()));
        assert_eq!(open(KEY, &value, 10_000), None);
        assert_eq!(open(b"another key, just as long as that", &value, 1), None);
        let (body, mac) = value.split_once('.').unwrap();
        let other = Flow {
            nonce: "mine".into(),
            ..flow()
        };
        let forged = format!(
            "{}.{mac}",
            URL_SAFE_NO_PAD.encode(serde_json::to_vec(&other).unwrap())
        );
        assert_ne!(forged.split_once('.').unwrap().0, body);
        assert_eq!(open(KEY, &forged, 1), None);
    }

    #[test]
    fn a_client_assertion_is_a_jwt_the_public_key_verifies() {
        let pem = include_str!("../../tests/oidc/logingov-test-key.pem");
        let jwt = client_assertion("urn:client", "https://op/token", pem, Some("k1")).unwrap();
        let parts: Vec<&str> = jwt.split('.').collect();
        assert_eq!(parts.len(), 3);
        let claims: serde_json::Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
        assert_eq!(claims["iss"], "urn:client");
        assert_eq!(claims["aud"], "https://op/token");
        let key = CoreRsaPrivateSigningKey::from_pem(pem, None).unwrap();
        let public = key.as_verification_key();
        public
            .verify_signature(
                &CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
                format!("{}.{}", parts[0], parts[1]).as_bytes(),
                &URL_SAFE_NO_PAD.decode(parts[2]).unwrap(),
            )
            .expect("the signature verifies");
    }

    #[test]
    fn the_providers_file_is_checked() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("sso.toml");
        let write = |text: &str| std::fs::write(&file, text).unwrap();
        write(
            "[[provider]]\nkey = \"entra\"\nlabel = \"Microsoft\"\nissuer = \"https://login.example.gov/v2.0\"\nclient_id = \"abc\"\nclient_secret = \"s\"\n",
        );
        let list = load(&file).unwrap();
        assert_eq!(list[0].key, "entra");
        assert!(
            !format!("{:?}", list[0]).contains("\"s\""),
            "no secret in Debug"
        );
        write(
            "[[provider]]\nkey = \"a b\"\nlabel = \"x\"\nissuer = \"https://x\"\nclient_id = \"c\"\nclient_secret = \"s\"\n",
        );
        assert!(
            load(&file)
                .unwrap_err()
                .contains("letters, digits and dashes")
        );
        write(
            "[[provider]]\nkey = \"a\"\nlabel = \"x\"\nissuer = \"https://x\"\nclient_id = \"c\"\n",
        );
        assert!(
            load(&file)
                .unwrap_err()
                .contains("either client_secret or private_key_file")
        );
    }
}
