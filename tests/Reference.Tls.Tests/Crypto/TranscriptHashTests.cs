using System.Security.Cryptography;
using Reference.Tls.Crypto;
using Xunit;

namespace Reference.Tls.Tests.Crypto;

public class TranscriptHashTests
{
    private static byte[] Message(HandshakeType type, int bodyLength)
    {
        var body = RandomNumberGenerator.GetBytes(bodyLength);
        return [(byte)type, (byte)(bodyLength >> 16), (byte)(bodyLength >> 8), (byte)bodyLength, .. body];
    }

    [Fact]
    public void MessagesAddedBeforeTheHashIsKnownAreReplayed()
    {
        var ch = Message(HandshakeType.ClientHello, 200);
        var sh = Message(HandshakeType.ServerHello, 90);
        var ee = Message(HandshakeType.EncryptedExtensions, 10);
        using var transcript = new TranscriptHash();
        transcript.Add(ch);
        transcript.Add(sh);
        transcript.SetHash(HashAlgorithmName.SHA384);

        Assert.Equal(SHA384.HashData([.. ch, .. sh]), transcript.Current());
        transcript.Add(ee);
        Assert.Equal(SHA384.HashData([.. ch, .. sh, .. ee]), transcript.Current());
        Assert.Equal(3, transcript.MessageCount);
    }

    [Fact]
    public void CurrentBeforeSetHashIsAnInternalError()
    {
        using var transcript = new TranscriptHash();
        transcript.Add(Message(HandshakeType.ClientHello, 4));

        Assert.Equal(TlsErrorType.Internal, Assert.Throws<TlsException>(transcript.Current).ErrorType);
    }

    [Fact]
    public void TheHashCannotChangeOnceChosen()
    {
        using var transcript = new TranscriptHash();
        transcript.SetHash(HashAlgorithmName.SHA256);
        transcript.SetHash(HashAlgorithmName.SHA256);

        Assert.Throws<TlsException>(() => transcript.SetHash(HashAlgorithmName.SHA384));
        Assert.Equal(SHA256.HashData([]), transcript.Current());
    }

    [Fact]
    public void AFragmentShorterThanAHandshakeHeaderIsRejected()
    {
        using var transcript = new TranscriptHash();

        Assert.Throws<TlsException>(() => transcript.Add([1, 0, 0]));
    }

    [Theory]
    [InlineData("SHA256")]
    [InlineData("SHA384")]
    public void HelloRetryRequestReplacesClientHello1WithMessageHash(string hashName)
    {
        var hash = new HashAlgorithmName(hashName);
        var ch1 = Message(HandshakeType.ClientHello, 300);
        var hrr = Message(HandshakeType.ServerHello, 60);
        var ch2 = Message(HandshakeType.ClientHello, 320);
        using var transcript = new TranscriptHash();
        transcript.Add(ch1);
        transcript.SetHash(hash);
        transcript.ReplaceWithMessageHash();
        transcript.Add(hrr);
        transcript.Add(ch2);

        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.1
        //= type=test
        //# Transcript-Hash(ClientHello1, HelloRetryRequest, ... Mn) =
        //# Hash(message_hash ||        /* Handshake type */
        //# 00 00 Hash.length  ||  /* Handshake message length (bytes) */
        //# Hash(ClientHello1) ||  /* Hash of ClientHello1 */
        //# HelloRetryRequest  || ... || Mn)
        var ch1Hash = Hash(hash, ch1);
        byte[] expectedInput = [254, 0, 0, (byte)ch1Hash.Length, .. ch1Hash, .. hrr, .. ch2];
        Assert.Equal(Hash(hash, expectedInput), transcript.Current());
    }

    [Fact]
    public void MessageHashNeedsExactlyClientHello1AndAChosenHash()
    {
        using var unhashed = new TranscriptHash();
        unhashed.Add(Message(HandshakeType.ClientHello, 10));
        Assert.Throws<TlsException>(unhashed.ReplaceWithMessageHash);

        using var twoMessages = new TranscriptHash();
        twoMessages.Add(Message(HandshakeType.ClientHello, 10));
        twoMessages.Add(Message(HandshakeType.ServerHello, 10));
        twoMessages.SetHash(HashAlgorithmName.SHA256);
        Assert.Throws<TlsException>(twoMessages.ReplaceWithMessageHash);
    }

    private static byte[] Hash(HashAlgorithmName hash, byte[] data) =>
        hash == HashAlgorithmName.SHA256 ? SHA256.HashData(data) : SHA384.HashData(data);
}
