using Reference.Tls.Wire;

namespace Reference.Tls.Tests.Wire;

public class TlsReaderTests
{
    private static void AssertDecodeError(Action act)
    {
        var e = Assert.Throws<TlsException>(act);
        Assert.Equal(TlsErrorType.Protocol, e.ErrorType);
        Assert.Equal(AlertDescription.DecodeError, e.Alert);
    }

    [Fact]
    public void Reads_integers_big_endian()
    {
        var r = new TlsReader([0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A]);
        Assert.Equal(0x01, r.ReadU8());
        Assert.Equal(0x0203, r.ReadU16());
        Assert.Equal(0x040506, r.ReadU24());
        Assert.Equal(0x0708090Au, r.ReadU32());
        Assert.True(r.IsEmpty);
        r.ExpectEnd("test");
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 2)]
    [InlineData(2, 3)]
    [InlineData(3, 4)]
    public void Reading_past_the_end_is_decode_error(int available, int width)
    {
        var bytes = new byte[available];
        AssertDecodeError(() =>
        {
            var r = new TlsReader(bytes);
            _ = width switch { 1 => r.ReadU8(), 2 => r.ReadU16(), 3 => r.ReadU24(), _ => (long)r.ReadU32() };
        });
    }

    [Fact]
    public void A_failed_read_consumes_nothing()
    {
        var r = new TlsReader([1, 2]);
        bool threw = false;
        try
        {
            r.ReadBytes(3);
        }
        catch (TlsException e) when (e.Alert == AlertDescription.DecodeError)
        {
            threw = true;
        }

        Assert.True(threw);
        Assert.Equal(2, r.Remaining);
        Assert.Equal([1, 2], r.ReadBytes(2).ToArray());
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-6
    //= type=test
    //# Peers which receive a message which
    //# cannot be parsed according to the syntax (e.g., have a length
    //# extending beyond the message boundary or contain an out-of-range
    //# length) MUST terminate the connection with a "decode_error" alert.
    [Theory]
    [InlineData(new byte[] { 3, 1, 2 })]               // longer than the data
    [InlineData(new byte[] { 0 })]                     // below the minimum of 1
    [InlineData(new byte[] { 5, 1, 2, 3, 4, 5 })]      // above the maximum of 4
    public void Vector8_length_out_of_bounds_is_decode_error(byte[] bytes) =>
        AssertDecodeError(() => new TlsReader(bytes).ReadVector8(1, 4));

    [Fact]
    public void Vectors_read_at_their_bounds()
    {
        var r = new TlsReader([1, 9, 0, 2, 7, 8, 0, 0, 0]);
        Assert.Equal([9], r.ReadVector8(1, 1).ToArray());
        Assert.Equal([7, 8], r.ReadVector16(2, 2).ToArray());
        Assert.Empty(r.ReadVector24(0, 0).ToArray());
        r.ExpectEnd("vectors");
    }

    [Fact]
    public void Vector16_and_24_longer_than_the_data_are_decode_error()
    {
        AssertDecodeError(() => new TlsReader([0, 3, 1, 2]).ReadVector16());
        AssertDecodeError(() => new TlsReader([0, 0, 3, 1, 2]).ReadVector24());
        AssertDecodeError(() => new TlsReader([0xFF, 0xFF, 0xFF]).ReadVector24());
    }

    [Fact]
    public void Sub_reader_cannot_read_past_its_vector()
    {
        AssertDecodeError(() =>
        {
            var sub = new TlsReader([2, 0xAA, 0xBB, 0xCC]).Sub8();
            sub.ReadU16();
            sub.ReadU8();
        });
        var r = new TlsReader([2, 0xAA, 0xBB, 0xCC]);
        var inner = r.Sub8();
        Assert.Equal(0xAABB, inner.ReadU16());
        Assert.True(inner.IsEmpty);
        Assert.Equal(0xCC, r.ReadU8());
    }

    [Fact]
    public void Sub_readers_check_bounds_like_vectors()
    {
        AssertDecodeError(() => new TlsReader([0, 1, 5]).Sub16(2));
        AssertDecodeError(() => new TlsReader([0, 0, 4, 1]).Sub24());
        var r = new TlsReader([0, 0, 1, 7]);
        Assert.Equal(7, r.Sub24(1, 1).ReadU8());
    }

    [Fact]
    public void ExpectEnd_rejects_trailing_bytes()
    {
        var e = Assert.Throws<TlsException>(() =>
        {
            var r = new TlsReader([1, 2]);
            r.ReadU8();
            r.ExpectEnd("thing");
        });
        Assert.Equal(AlertDescription.DecodeError, e.Alert);
        Assert.Contains("thing", e.Message);
    }
}

public class TlsWriterTests
{
    [Fact]
    public void Writes_integers_big_endian()
    {
        var w = new TlsWriter(1);
        w.WriteU8(1);
        w.WriteU16(0x0203);
        w.WriteU24(0x040506);
        w.WriteU32(0x0708090A);
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 }, w.ToArray());
    }

    [Fact]
    public void Values_that_do_not_fit_are_refused()
    {
        var w = new TlsWriter();
        Assert.Throws<OverflowException>(() => w.WriteU8(256));
        Assert.Throws<OverflowException>(() => w.WriteU16(0x10000));
        Assert.Throws<OverflowException>(() => w.WriteU24(0x1000000));
        Assert.Throws<OverflowException>(() => w.WriteU24(-1));
    }

    [Fact]
    public void Nested_vectors_get_their_lengths_filled_in()
    {
        var w = new TlsWriter(4);
        var outer = w.BeginVector(2);
        var inner = w.BeginVector(1);
        w.WriteBytes([7, 8, 9]);
        w.EndVector(inner);
        w.WriteVector24([1]);
        w.EndVector(outer);
        Assert.Equal(new byte[] { 0, 8, 3, 7, 8, 9, 0, 0, 1, 1 }, w.ToArray());
    }

    [Fact]
    public void A_vector_too_long_for_its_prefix_is_refused()
    {
        var w = new TlsWriter();
        var mark = w.BeginVector(1);
        w.WriteBytes(new byte[256]);
        Assert.Throws<OverflowException>(() => w.EndVector(mark));
        Assert.Throws<OverflowException>(() => new TlsWriter().WriteVector8(new byte[256]));
    }

    [Fact]
    public void Writer_output_reads_back()
    {
        var w = new TlsWriter();
        w.WriteVector8([1, 2]);
        w.WriteVector16(new byte[300]);
        w.WriteVector24([3]);
        var r = new TlsReader(w.Written);
        Assert.Equal([1, 2], r.ReadVector8().ToArray());
        Assert.Equal(300, r.ReadVector16().Length);
        Assert.Equal([3], r.ReadVector24().ToArray());
        r.ExpectEnd("round trip");
    }

    [Fact]
    public void Clear_starts_over()
    {
        var w = new TlsWriter();
        w.WriteU32(1);
        w.Clear();
        w.WriteU8(5);
        Assert.Equal(new byte[] { 5 }, w.ToArray());
    }
}
