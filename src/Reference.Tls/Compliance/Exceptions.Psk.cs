// RFC 8446 requirements on session tickets and 0-RTT that the engine does not take up, each with the reason.
// This file holds only citations (duvet reads comments); see compliance/README.md.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.1
//= type=exception
//= reason=The engine has no way to learn that the original server certificate is valid for another name, so a
//= reason=client offers a ticket only for the server name it was issued for (TlsSession.ServerName, see
//= reason=OfferPsks and PskComplianceTests). s2n-tls leaves this choice to the application, which sets the
//= reason=session explicitly; an application of ours that knows better can resume under that name.
//# If such an indication is provided (externally or by any other means),
//# clients MAY resume with a different SNI value.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.1
//= type=exception
//= reason=The server issues tickets only after it has verified the client Finished (ServerReceiveClientFinished),
//= reason=as s2n-tls sends them post-handshake: resumption_master_secret then comes from the real transcript,
//= reason=not a predicted one, and no ticket goes to a client that has not proven it holds the handshake keys.
//# Note: Although the resumption master secret depends on the client's
//# second flight, a server which does not request client authentication MAY
//# compute the remainder of the transcript independently and then send a
//# NewSessionTicket immediately upon sending its Finished rather than
//# waiting for the client Finished.

//= https://www.rfc-editor.org/rfc/rfc8446#appendix-D.3
//= type=exception
//= reason=The engine never retries a connection itself, and no setting disables TLS 1.3 (it is the only version
//= reason=it negotiates): a client whose 0-RTT attempt meets a TLS 1.2 ServerHello fails with protocol_version,
//= reason=and the application may retry without a session that allows early data.
//# To avoid a downgrade attack, the client SHOULD NOT disable TLS 1.3, only
//# 0-RTT.

//= https://www.rfc-editor.org/rfc/rfc8446#appendix-D.3
//= type=exception
//= reason=A deployment requirement for operators, not for a TLS implementation: TlsConfig.MaxEarlyDataSize is 0
//= reason=(no 0-RTT) by default, so 0-RTT is enabled only deliberately, server by server.
//# To avoid this error condition, multi-server deployments SHOULD ensure a
//# uniform and stable deployment of TLS 1.3 without 0-RTT prior to enabling
//# 0-RTT.
