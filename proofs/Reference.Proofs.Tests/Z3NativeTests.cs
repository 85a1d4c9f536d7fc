using Microsoft.Z3;

namespace Reference.Proofs.Tests;

public class Z3NativeTests
{
    [Fact]
    public void Z3_loads_and_decides_a_trivial_query()
    {
        var path = Z3Native.EnsureLoaded();
        if (OperatingSystem.IsLinux())
        {
            Assert.True(File.Exists(path), $"libz3 shim not found: {path}");
        }

        var status = Z3Native.Run(() =>
        {
            using var ctx = new Context();
            var x = ctx.MkIntConst("x");
            var solver = ctx.MkSolver();
            solver.Assert(ctx.MkGt(x, ctx.MkInt(2)), ctx.MkLt(x, ctx.MkInt(3)));
            return solver.Check();
        });
        Assert.Equal(Status.UNSATISFIABLE, status);
    }
}
