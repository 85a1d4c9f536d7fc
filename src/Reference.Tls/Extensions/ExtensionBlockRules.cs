namespace Reference.Tls.Extensions;

/// <summary>Response-side rules for extension blocks that carry no negotiated content yet.</summary>
internal static class ExtensionBlockRules
{
    /// <summary>
    /// CertificateEntry extensions answer status_request / signed_certificate_timestamp, which this engine
    /// never sends; any such extension is therefore unsolicited.
    /// </summary>
    public static void RejectCertificateEntryExtensions(IReadOnlyList<Extension> extensions) =>
        ExtensionBlock.RejectUnsolicited(extensions, []);
}
