//! Token flows: how an access token is obtained for a selection: the Cylance
//! User API flow ([`cylance`], an HS256-signed auth token POSTed as JSON) and
//! the multi-tenant console ([`mtc`]). A flow says what to send; the exchange
//! sends it and the broker caches what comes back.

pub(crate) mod cylance;
pub(crate) mod mtc;
