using Para.ContainerAuth.Credentials;

namespace Para.ContainerAuth.Tests.Credentials;

public sealed class CredentialHomeTests
{
    private const string Passwd = "root:x:0:0:root:/root:/bin/sh\npara:x:1000:1001:para:/home/para:/bin/sh\n";

    [Fact]
    public void No_user_means_root_and_its_home()
    {
        Assert.Equal(new CredentialHome("/root", 0, 0), CredentialHome.Resolve("", [], Passwd, null));
    }

    [Fact]
    public void A_named_or_numeric_user_is_looked_up_in_passwd()
    {
        Assert.Equal(new CredentialHome("/home/para", 1000, 1001), CredentialHome.Resolve("para", [], Passwd, null));
        Assert.Equal(new CredentialHome("/home/para", 1000, 1001), CredentialHome.Resolve("1000", [], Passwd, null));
        Assert.Equal(new CredentialHome("/home/para", 1000, 50), CredentialHome.Resolve("para:50", [], Passwd, null));
    }

    [Fact]
    public void HOME_in_the_image_env_wins_over_passwd_and_the_override_wins_over_both()
    {
        Assert.Equal("/data/home", CredentialHome.Resolve("para", ["PATH=/bin", "HOME=/data/home"], Passwd, null).Home);
        Assert.Equal("/custom", CredentialHome.Resolve("para", ["HOME=/data/home"], Passwd, "/custom").Home);
    }

    [Fact]
    public void An_unknown_user_is_an_error_that_names_it()
    {
        var error = Assert.Throws<InvalidOperationException>(() => CredentialHome.Resolve("ghost", [], Passwd, null));
        Assert.Contains("ghost", error.Message, StringComparison.Ordinal);
    }
}
