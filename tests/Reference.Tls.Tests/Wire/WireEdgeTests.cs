using Reference.Tls.Wire;

namespace Reference.Tls.Tests.Wire;

/// <summary>Boundaries of the wire reader and writer that Stryker showed the other tests did not pin.</summary>
public class WireEdgeTests
{
    [Fact]
    public void Errors_name_the_lengths_involved()
    {
        var truncated = Assert.Throws<TlsException>(() => new TlsReader([1, 2]).ReadU32());
        Assert.Contains("need 4 byte(s), have 2", truncated.Message);
        var bounds = Assert.Throws<TlsException>(() => new TlsReader([5, 1, 2, 3, 4, 5]).ReadVector8(0, 3));
        Assert.Contains("vector length 5 outside [0, 3]", bounds.Message);
    }

    [Fact]
    public void U24_accepts_its_maximum_and_rejects_one_more()
    {
        var w = new TlsWriter();
        w.WriteU24(0xFFFFFF);
        Assert.Equal(new byte[] { 0xFF, 0xFF, 0xFF }, w.ToArray());
        var e = Assert.Throws<OverflowException>(() => w.WriteU24(0x1000000));
        Assert.Contains("u24", e.Message);
    }

    [Fact]
    public void A_one_byte_prefix_holds_exactly_255_bytes()
    {
        var w = new TlsWriter();
        var mark = w.BeginVector(1);
        w.WriteBytes(new byte[255]);
        w.EndVector(mark);
        Assert.Equal(255, w.Written[0]);

        var over = new TlsWriter();
        var overMark = over.BeginVector(1);
        over.WriteBytes(new byte[256]);
        var e = Assert.Throws<OverflowException>(() => over.EndVector(overMark));
        Assert.Contains("256 bytes does not fit a 1-byte length", e.Message);
    }

    [Fact]
    public void A_write_larger_than_twice_the_buffer_grows_it_enough()
    {
        var w = new TlsWriter(16);
        var data = Enumerable.Range(0, 100).Select(i => (byte)i).ToArray();
        w.WriteBytes(data);
        Assert.Equal(data, w.ToArray());
    }

    [Fact]
    public void Wipe_zeroes_what_was_written()
    {
        var w = new TlsWriter(16);
        w.WriteBytes([9, 8, 7]);
        w.Wipe();
        Assert.Equal(0, w.Length);
        Assert.Equal(new byte[3], w.Grow(3).ToArray());
    }
}
