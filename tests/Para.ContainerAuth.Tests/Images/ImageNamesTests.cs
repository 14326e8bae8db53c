using Para.ContainerAuth.Images;

namespace Para.ContainerAuth.Tests.Images;

public sealed class ImageNamesTests
{
    private static readonly ContainerAuthOptions Defaults = new();

    [Fact]
    public void A_custom_image_gets_the_suffix_appended_and_never_becomes_the_base_authenticated_image()
    {
        // The public scripts cut the last "-part" and turn para-dev:latest into para-authenticated:latest.
        Assert.Equal("para-dev-authenticated:latest", ImageNames.AuthenticatedNameFor("para-dev:latest", Defaults));
        Assert.NotEqual(Defaults.AuthenticatedImage, ImageNames.AuthenticatedNameFor("para-dev:latest", Defaults));
        Assert.Equal("para-my-big-repo-authenticated:latest", ImageNames.AuthenticatedNameFor("para-my-big-repo", Defaults));
    }

    [Fact]
    public void The_base_image_maps_to_the_configured_authenticated_image()
    {
        Assert.Equal("para-authenticated:latest", ImageNames.AuthenticatedNameFor("para-claude:latest", Defaults));
        Assert.Equal("para-authenticated:latest", ImageNames.AuthenticatedNameFor("para-claude", Defaults));
    }

    [Fact]
    public void An_authenticated_image_is_not_authenticated_again()
    {
        Assert.Throws<ArgumentException>(() => ImageNames.AuthenticatedNameFor("para-dev-authenticated:latest", Defaults));
        Assert.True(ImageNames.IsAuthenticated("para-authenticated:latest", Defaults));
        Assert.False(ImageNames.IsAuthenticated("para-dev:latest", Defaults));
    }

    [Fact]
    public void A_registry_port_is_not_mistaken_for_a_tag()
    {
        Assert.Equal(("localhost:5000/para-dev", "latest"), ImageReference.Split("localhost:5000/para-dev"));
        Assert.Equal(("localhost:5000/para-dev", "v2"), ImageReference.Split("localhost:5000/para-dev:v2"));
        Assert.Equal("localhost:5000/para-dev-authenticated:latest", ImageNames.AuthenticatedNameFor("localhost:5000/para-dev:v2", Defaults));
    }

    [Fact]
    public void The_custom_image_is_named_after_the_repository_folder_in_lower_case()
    {
        Assert.Equal("para-my-repo:latest", ImageNames.CustomImageFor("/src/My Repo/", Defaults));
        Assert.Equal("para-para:latest", ImageNames.CustomImageFor("/home/me/para", Defaults));
    }
}
