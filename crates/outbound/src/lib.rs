//! Every request Draxis makes to other servers, behind traits that the crates using them
//! define: [`PlainHttp`] fetches `http_json` connectors for the Drop Zone
//! (`draxis_dropzone::connectors::HttpFetch`), [`HttpsClientMetadata`] fetches OAuth
//! Client ID Metadata Documents for the authorization server
//! (`draxis_auth::server::ClientMetadataSource`). The composition root (`draxis-app`)
//! wires them in; nothing else names hyper's client or rustls.

mod address;
mod client_metadata;
mod http1;
mod plain_http;

pub use address::AddressPolicy;
pub use client_metadata::HttpsClientMetadata;
pub use plain_http::PlainHttp;
