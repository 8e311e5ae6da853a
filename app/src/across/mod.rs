//! What spans domains, composed above them: the pages that show several domains (a resident's
//! file, a family's page) and the writes whose effects reach several (leaving the centre, an
//! absence that sends visits to review). A domain never imports this; this imports domains.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod record;
pub mod routes;
