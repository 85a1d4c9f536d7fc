using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Reference.Tls.Certificates;
using Xunit;

namespace Reference.Tls.Tests.Certificates;

/// <summary>
/// TrustStore with its verified-chain cache, cold and then warm, against a fresh .NET X509Chain built here with the
/// same policy: on generated chains, good and bad, and on cached chains whose time, host name or bytes then change.
/// </summary>
public class VerifiedChainCacheDifferentialTests : IDisposable
{
    private const string ServerAuth = CertificateGenerator.ServerAuthOid;

    // One fixed instant (local time, as TrustStore and X509ChainPolicy take it): whole seconds, so the certificates'
    // second-precision times land exactly where the boundary tests put them.
    private static readonly DateTime Now = WholeSecond(DateTime.Now);

    private readonly Ca _root = Ca.Root("CN=Differential Root");
    private readonly Ca _intermediate;

    public VerifiedChainCacheDifferentialTests() => _intermediate = _root.Issue("CN=Differential Intermediate");

    public void Dispose()
    {
        _intermediate.Dispose();
        _root.Dispose();
    }

    /// <summary>
    /// A chain (leaf first) checked with these options against these trust anchors; <paramref name="Why"/> is the
    /// X509Chain status a bad case is built to cause, so each case is shown to fail for its own reason.
    /// </summary>
    public sealed record Case(string Name, byte[][] Chain, string? HostName, string? Usage, DateTime Time, byte[][] Roots,
        X509ChainStatusFlags Why = X509ChainStatusFlags.NoError);

    [Fact]
    public void GoodAndBadChainsGetTheReferenceVerdictColdAndWarm()
    {
        var cases = new List<Case>
        {
            Good("good chain"),
            Good("good chain, serverAuth required") with { Usage = ServerAuth },
            Good("good chain, root sent too, intermediates reversed") with { Chain = [Leaf(_intermediate), _root.Der, _intermediate.Der] },
            Good("expired") with { Chain = [Leaf(_intermediate, notBefore: Now.AddDays(-3), notAfter: Now.AddDays(-1)), _intermediate.Der], Why = X509ChainStatusFlags.NotTimeValid },
            Good("not yet valid") with { Chain = [Leaf(_intermediate, notBefore: Now.AddDays(1), notAfter: Now.AddDays(3)), _intermediate.Der], Why = X509ChainStatusFlags.NotTimeValid },
            Good("wrong issuer") with { Chain = WrongIssuer(), Why = X509ChainStatusFlags.PartialChain },
            Good("broken signature") with { Chain = [FlipLast(Leaf(_intermediate)), _intermediate.Der], Why = X509ChainStatusFlags.NotSignatureValid },
            Good("CA:false intermediate") with { Chain = CaFalseIntermediate(), Why = X509ChainStatusFlags.InvalidBasicConstraints },
            Good("path length exceeded") with { Chain = PathLengthExceeded(), Why = X509ChainStatusFlags.InvalidBasicConstraints },
            Good("wrong EKU") with { Chain = [Leaf(_intermediate, usage: CertificateGenerator.ClientAuthOid), _intermediate.Der], Usage = ServerAuth, Why = X509ChainStatusFlags.NotValidForUsage },
            Good("name mismatch") with { HostName = "example.com" },
            Good("unknown critical extension") with { Chain = [Leaf(_intermediate, unknownCritical: true), _intermediate.Der], Why = X509ChainStatusFlags.HasNotSupportedCriticalExtension },
            Good("leaf only") with { Chain = [Leaf(_intermediate)], Why = X509ChainStatusFlags.PartialChain },
            Good("unknown root") with { Roots = [Ca.Root("CN=Differential Root").Der], Why = X509ChainStatusFlags.PartialChain },
        };

        foreach (Case c in cases)
        {
            AssertColdAndWarmMatchReference(TrustStore.FromPem(Pem(c.Roots)), c);
            Assert.True((ReferenceStatus(c) & c.Why) == c.Why, $"{c.Name}: X509Chain reports {ReferenceStatus(c)}, not {c.Why}");
        }

        // The list has both verdicts, so agreement is not vacuous.
        Assert.Contains(cases, c => Reference(c));
        Assert.Contains(cases, c => !Reference(c));
    }

    [Fact]
    public void AGoodChainIsCachedAndAHitReturnsTheSameLeafKey()
    {
        Case good = Good("good chain");
        TrustStore trust = TrustStore.FromPem(Pem(good.Roots));

        LeafPublicKey cold = Validate(trust, good);
        LeafPublicKey warm = Validate(trust, good);

        Assert.Equal(1, trust.VerifiedChainCount);
        Assert.Same(cold, warm);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-6.2
    //= type=test
    //# certificate_expired:  A certificate has expired or is not currently
    //# valid.
    [Fact]
    public void ACachedChainThatExpiresIsValidatedAgainAndRejected()
    {
        DateTime notAfter = Now.AddHours(1);
        DateTime notBefore = Now.AddHours(-1);
        Case cached = Good("expires in an hour") with { Chain = [Leaf(_intermediate, notBefore, notAfter), _intermediate.Der] };
        TrustStore trust = TrustStore.FromPem(Pem(cached.Roots));
        Validate(trust, cached);
        Assert.Equal(1, trust.VerifiedChainCount);

        // Around both ends of the leaf's validity: the cache answers only well inside it, the reference decides.
        TimeSpan[] offsets = [TimeSpan.FromSeconds(-2), TimeSpan.FromSeconds(-1), TimeSpan.FromMilliseconds(-500), TimeSpan.Zero,
            TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1), TimeSpan.FromDays(400)];
        foreach (TimeSpan offset in offsets)
        {
            AssertMatchesReference(trust, cached with { Name = $"notAfter {offset}", Time = notAfter + offset });
            AssertMatchesReference(trust, cached with { Name = $"notBefore {offset}", Time = notBefore + offset });
        }

        var expired = cached with { Time = notAfter.AddMinutes(1) };
        Assert.False(Reference(expired));
        Assert.Equal(AlertDescription.CertificateExpired, Assert.Throws<TlsException>(() => Validate(trust, expired)).Alert);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-6.2
    //= type=test
    //# bad_certificate:  A certificate was corrupt, contained signatures
    //# that did not verify correctly, etc.
    [Fact]
    public void ACachedChainAskedForAnotherHostNameOrUsageIsCheckedAgain()
    {
        Case cached = Good("cached for localhost");
        TrustStore trust = TrustStore.FromPem(Pem(cached.Roots));
        Validate(trust, cached);

        AssertMatchesReference(trust, cached with { HostName = "example.com" });
        AssertMatchesReference(trust, cached with { HostName = "LOCALHOST" });
        AssertMatchesReference(trust, cached with { HostName = "127.0.0.1" });
        AssertMatchesReference(trust, cached with { HostName = "127.0.0.2" });
        AssertMatchesReference(trust, cached with { HostName = null });
        Assert.Equal(AlertDescription.BadCertificate, Assert.Throws<TlsException>(() => Validate(trust, cached with { HostName = "example.com" })).Alert);

        Case client = Good("client leaf, no usage required") with { Chain = [Leaf(_intermediate, usage: CertificateGenerator.ClientAuthOid), _intermediate.Der], HostName = null };
        Validate(trust, client);
        AssertMatchesReference(trust, client with { Usage = ServerAuth });
        Assert.Equal(AlertDescription.UnsupportedCertificate, Assert.Throws<TlsException>(() => Validate(trust, client with { Usage = ServerAuth })).Alert);
    }

    [Fact]
    public void OneByteChangedInACachedChainIsValidatedAgain()
    {
        Case cached = Good("cached");
        TrustStore trust = TrustStore.FromPem(Pem(cached.Roots));
        Validate(trust, cached);
        int rejected = 0;

        for (int certificate = 0; certificate < cached.Chain.Length; certificate++)
        {
            for (int at = 0; at < cached.Chain[certificate].Length; at += 29)
            {
                byte[][] changed = cached.Chain.Select(d => (byte[])d.Clone()).ToArray();
                changed[certificate][at] ^= 0x01;
                Case variant = cached with { Name = $"certificate {certificate} byte {at}", Chain = changed };
                AssertMatchesReference(trust, variant);
                rejected += Reference(variant) ? 0 : 1;
            }
        }

        // Still cached, still accepted, and the changes were rejected, not answered from the cache.
        Assert.True(rejected > 0);
        AssertMatchesReference(trust, cached);
        Assert.Same(Validate(trust, cached), Validate(trust, cached));
    }

    [Fact]
    public void AChainWithAnExpiredExtraCertificateIsAcceptedButNotCached()
    {
        using Ca expired = _root.Issue("CN=Differential Expired Extra", notAfter: Now.AddDays(-1));
        Case c = Good("expired extraneous certificate") with { Chain = [Leaf(_intermediate), _intermediate.Der, expired.Der] };
        TrustStore trust = TrustStore.FromPem(Pem(c.Roots));

        AssertColdAndWarmMatchReference(trust, c);

        Assert.True(Reference(c));
        Assert.Equal(0, trust.VerifiedChainCount);
    }

    [Fact]
    public void TheCacheKeepsAtMostItsCapacity()
    {
        Case c = Good("good");
        TrustStore trust = TrustStore.FromPem(Pem(c.Roots), verifiedChainCapacity: 2);

        Validate(trust, c with { HostName = "localhost" });
        Validate(trust, c with { HostName = "127.0.0.1" });
        Validate(trust, c with { HostName = null });
        Validate(trust, c with { HostName = "LOCALHOST" });

        Assert.Equal(2, trust.VerifiedChainCount);
        Assert.Equal(0, TrustStore.FromPem(Pem(c.Roots), verifiedChainCapacity: 0).VerifiedChainCount);
    }

    [Fact]
    public void ManyThreadsShareOneCachedChainAndItsLeafKey()
    {
        using var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Case c = Good("shared") with { Chain = [Leaf(_intermediate, key: leafKey), _intermediate.Der] };
        TrustStore trust = TrustStore.FromPem(Pem(c.Roots), verifiedChainCapacity: 1);
        byte[] message = TestPki.Message(7);
        byte[] signature = leafKey.SignData(message, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        byte[] wrong = (byte[])signature.Clone();
        wrong[^1] ^= 0x01;
        int failures = 0;

        Parallel.For(0, 400, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            // Other host names evict the shared entry now and then, retiring its key while others use it.
            LeafPublicKey key = Validate(trust, i % 10 == 9 ? c with { HostName = "127.0.0.1" } : c);
            bool good = SignatureVerifier.Verify(SignatureScheme.EcdsaSecp256r1Sha256, key, message, signature);
            bool bad = SignatureVerifier.Verify(SignatureScheme.EcdsaSecp256r1Sha256, key, message, wrong);
            if (!good || bad)
            {
                Interlocked.Increment(ref failures);
            }
        });

        Assert.Equal(0, failures);
    }

    private static void AssertColdAndWarmMatchReference(TrustStore trust, Case c)
    {
        string cold = Verdict(trust, c);
        string warm = Verdict(trust, c);
        string reference = Reference(c) ? "accepted" : "rejected";

        Assert.True(cold.StartsWith(reference, StringComparison.Ordinal), $"{c.Name}: cold {cold}, reference {reference}");
        Assert.True(warm == cold, $"{c.Name}: warm {warm}, cold {cold}");
    }

    private static void AssertMatchesReference(TrustStore trust, Case c)
    {
        string ours = Verdict(trust, c);
        string reference = Reference(c) ? "accepted" : "rejected";
        Assert.True(ours.StartsWith(reference, StringComparison.Ordinal), $"{c.Name}: ours {ours}, reference {reference}");
    }

    private static LeafPublicKey Validate(TrustStore trust, Case c) => trust.ValidateChain(c.Chain, c.HostName, c.Time, c.Usage);

    private static string Verdict(TrustStore trust, Case c)
    {
        try
        {
            Validate(trust, c);
            return "accepted";
        }
        catch (TlsException e) when (e.ErrorType == TlsErrorType.Protocol)
        {
            return $"rejected ({e.Alert})";
        }
    }

    /// <summary>A fresh X509Chain with TrustStore's policy, and .NET's host name match.</summary>
    private static bool Reference(Case c) => ReferenceChain(c, out _);

    private static X509ChainStatusFlags ReferenceStatus(Case c)
    {
        ReferenceChain(c, out X509ChainStatusFlags status);
        return status;
    }

    private static bool ReferenceChain(Case c, out X509ChainStatusFlags status)
    {
        status = X509ChainStatusFlags.NoError;
        var parsed = new List<X509Certificate2>();
        using var chain = new X509Chain();
        try
        {
            foreach (byte[] der in c.Chain)
            {
                parsed.Add(X509CertificateLoader.LoadCertificate(der));
            }

            X509ChainPolicy policy = chain.ChainPolicy;
            policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            policy.RevocationMode = X509RevocationMode.NoCheck;
            policy.DisableCertificateDownloads = true;
            policy.VerificationTime = c.Time;
            foreach (byte[] root in c.Roots)
            {
                policy.CustomTrustStore.Add(X509CertificateLoader.LoadCertificate(root));
            }

            policy.ExtraStore.AddRange(parsed.Skip(1).ToArray());
            if (c.Usage is not null)
            {
                policy.ApplicationPolicy.Add(new Oid(c.Usage));
            }

            bool built = chain.Build(parsed[0]);
            status = chain.ChainStatus.Aggregate(X509ChainStatusFlags.NoError, (all, s) => all | s.Status);
            return built && (c.HostName is null || parsed[0].MatchesHostname(c.HostName, allowWildcards: true, allowCommonName: true));
        }
        catch (CryptographicException)
        {
            return false;
        }
        finally
        {
            parsed.ForEach(p => p.Dispose());
            foreach (X509Certificate2 root in chain.ChainPolicy.CustomTrustStore)
            {
                root.Dispose();
            }
        }
    }

    private Case Good(string name) => new(name, [Leaf(_intermediate), _intermediate.Der], "localhost", null, Now, [_root.Der]);

    private byte[][] WrongIssuer()
    {
        using Ca otherRoot = Ca.Root("CN=Differential Other Root");
        using Ca otherIntermediate = otherRoot.Issue("CN=Differential Other Intermediate");
        return [Leaf(otherIntermediate), _intermediate.Der];
    }

    private byte[][] CaFalseIntermediate()
    {
        using Ca notCa = _root.Issue("CN=Differential Not A CA", isCa: false);
        return [Leaf(notCa), notCa.Der];
    }

    private byte[][] PathLengthExceeded()
    {
        using Ca constrained = _root.Issue("CN=Differential Path Length 0", pathLength: 0);
        using Ca below = constrained.Issue("CN=Differential Below Path Length 0");
        return [Leaf(below), below.Der, constrained.Der];
    }

    private static DateTime WholeSecond(DateTime time) => new(time.Ticks - (time.Ticks % TimeSpan.TicksPerSecond), time.Kind);

    private static byte[] PositiveSerial()
    {
        byte[] serial = RandomNumberGenerator.GetBytes(8);
        serial[0] = (byte)((serial[0] & 0x7f) | 0x01);
        return serial;
    }

    private static byte[] FlipLast(byte[] der)
    {
        der[^3] ^= 0x01;
        return der;
    }

    private static string Pem(byte[][] roots) => string.Concat(roots.Select(r => PemEncoding.WriteString("CERTIFICATE", r) + "\n"));

    private static byte[] Leaf(
        Ca issuer, DateTime? notBefore = null, DateTime? notAfter = null, string usage = ServerAuth, bool unknownCritical = false, ECDsa? key = null)
    {
        using ECDsa fresh = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key ?? fresh, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(usage)], critical: false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        if (unknownCritical)
        {
            request.CertificateExtensions.Add(new X509Extension("1.3.6.1.4.1.55555.1.2", [0x05, 0x00], critical: true));
        }

        return issuer.Sign(request, notBefore ?? Now.AddHours(-1), notAfter ?? Now.AddDays(1));
    }

    /// <summary>A CA certificate and its key.</summary>
    private sealed class Ca : IDisposable
    {
        private readonly ECDsa _key;
        private readonly X509Certificate2 _certificate;

        private Ca(ECDsa key, X509Certificate2 certificate)
        {
            _key = key;
            _certificate = certificate;
        }

        public byte[] Der => _certificate.RawData;

        public static Ca Root(string name)
        {
            var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            CertificateRequest request = CaRequest(name, key, isCa: true, pathLength: null);
            return new Ca(key, request.CreateSelfSigned(Now.AddDays(-30), Now.AddDays(30)));
        }

        public Ca Issue(string name, bool isCa = true, int? pathLength = null, DateTime? notAfter = null)
        {
            var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            byte[] der = Sign(CaRequest(name, key, isCa, pathLength), Now.AddDays(-20), notAfter ?? Now.AddDays(20));
            return new Ca(key, X509CertificateLoader.LoadCertificate(der));
        }

        public byte[] Sign(CertificateRequest request, DateTime notBefore, DateTime notAfter)
        {
            request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(_certificate, true, false));
            using X509Certificate2 issued = request.Create(
                _certificate.SubjectName, X509SignatureGenerator.CreateForECDsa(_key), notBefore, notAfter, PositiveSerial());
            return issued.RawData;
        }

        public void Dispose()
        {
            _certificate.Dispose();
            _key.Dispose();
        }

        private static CertificateRequest CaRequest(string name, ECDsa key, bool isCa, int? pathLength)
        {
            var request = new CertificateRequest(name, key, HashAlgorithmName.SHA256);
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(isCa, pathLength is not null, pathLength ?? 0, critical: true));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.DigitalSignature, critical: true));
            request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
            return request;
        }
    }
}
