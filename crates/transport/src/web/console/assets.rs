//! The console's stylesheet and script, compiled into the binary.

use axum::response::{IntoResponse, Response};
use http::header;

/// `GET /static/console.css`.
pub(crate) async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../../static/console.css"),
    )
        .into_response()
}

/// `GET /static/console.js`.
pub(crate) async fn script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../../static/console.js"),
    )
        .into_response()
}
