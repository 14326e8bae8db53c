using Para.Hosting;

namespace Para.Hosting.Tests;

public sealed class BuilderTests
{
    [Fact]
    public void Two_resources_with_one_name_are_refused()
    {
        var builder = DistributedApplication.CreateBuilder([]);
        builder.AddProject("accounts", "/nowhere/A.csproj");

        var error = Assert.Throws<InvalidOperationException>(() => builder.AddProject("Accounts", "/nowhere/B.csproj"));

        Assert.Contains("accounts", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Headless_flag_on_the_command_line_switches_off_the_console()
    {
        var builder = DistributedApplication.CreateBuilder(["--headless"]);

        Assert.True(builder.Options.Headless);
    }

    [Fact]
    public void References_and_waits_are_recorded_on_the_dependent_resource()
    {
        var builder = DistributedApplication.CreateBuilder([]);
        var accounts = builder.AddProject("accounts", "/nowhere/A.csproj");
        var containerAuth = builder.AddProject("container-auth", "/nowhere/B.csproj").WithReference(accounts).WaitFor(accounts);

        Assert.Same(accounts.Resource, Assert.Single(containerAuth.Resource.References));
        Assert.Same(accounts.Resource, Assert.Single(containerAuth.Resource.WaitsFor));
        Assert.Empty(accounts.Resource.References);
    }
}
