//! Token flows: how an access token is obtained for a selection. Today the
//! Cylance User API flow ([`cylance`]): an HS256-signed auth token POSTed as
//! JSON.

pub(crate) mod cylance;
