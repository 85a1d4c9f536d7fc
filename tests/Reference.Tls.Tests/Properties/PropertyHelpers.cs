using FsCheck;
using FsCheck.Fluent;

namespace Reference.Tls.Tests.Properties;

/// <summary>A byte string that prints as hex, so a shrunk counterexample reads as wire bytes.</summary>
public sealed record Hex(byte[] Value)
{
    public override string ToString() => Convert.ToHexString(Value);
}

internal static class PropertyHelpers
{
    /// <summary>Modest case counts keep the suite fast; failures throw with the shrunk counterexample.</summary>
    public static Config Quick(int maxTest = 200) => Config.QuickThrowOnFailure.WithMaxTest(maxTest);

    /// <summary>Arbitrary byte strings (up to <paramref name="maxLength"/>) that shrink by dropping and zeroing bytes.</summary>
    public static Arbitrary<Hex> Bytes(int maxLength = 300) =>
        Gen.Choose(0, maxLength).SelectMany(n => Gen.ArrayOf(Gen.Choose(0, 255).Select(i => (byte)i), n))
            .Select(b => new Hex(b)).ToShrinkingArbitrary();

    /// <summary>Valid encodings from <paramref name="valid"/> with a few random byte edits.</summary>
    public static Arbitrary<Hex> Mutated(Gen<byte[]> valid) =>
        valid.SelectMany(v => Gen.Choose(0, 3)
                .SelectMany(k => Gen.ArrayOf(Gen.Zip(Gen.Choose(0, Math.Max(0, v.Length - 1)), Gen.Choose(0, 255)), k))
                .Select(edits => Apply(v, edits)))
            .Select(b => new Hex(b)).ToShrinkingArbitrary();

    private static Arbitrary<Hex> ToShrinkingArbitrary(this Gen<Hex> gen) => Arb.From(gen, Shrink);

    private static byte[] Apply(byte[] valid, IEnumerable<(int At, int Value)> edits)
    {
        var copy = (byte[])valid.Clone();
        foreach (var (at, value) in edits)
        {
            if (at < copy.Length)
            {
                copy[at] = (byte)value;
            }
        }

        return copy;
    }

    private static IEnumerable<Hex> Shrink(Hex h)
    {
        var b = h.Value;
        if (b.Length == 0)
        {
            yield break;
        }

        yield return new Hex(b[..(b.Length / 2)]);
        yield return new Hex(b[..^1]);
        yield return new Hex(b[1..]);
        for (int i = 0; i < Math.Min(b.Length, 16); i++)
        {
            if (b[i] != 0)
            {
                var z = (byte[])b.Clone();
                z[i] = 0;
                yield return new Hex(z);
            }
        }
    }
}
