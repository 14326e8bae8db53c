using Microsoft.Extensions.Time.Testing;
using Para.Tui.Tests.Fakes;
using Para.Tui.ViewModels;

namespace Para.Tui.Tests.ViewModels;

public sealed class TableStateTests
{
    private static TableState<AccountRow> Accounts()
    {
        var model = new ConsoleViewModel(new FakeConsoleData(), new FakeTimeProvider(Fixtures.Now), new ConsoleOptions());
        model.Accounts.Replace(Fixtures.Accounts);
        return model.Accounts;
    }

    [Fact]
    public void Filter_matches_any_column_ignoring_case()
    {
        var table = Accounts();

        table.Filter = "CONSOLE";
        Assert.Equal(["home"], table.Visible(Fixtures.Now).Select(a => a.Name));

        table.Filter = "re-auth";
        Assert.Equal(["legacy"], table.Visible(Fixtures.Now).Select(a => a.Name));
        Assert.Equal("filter \"re-auth\": 1 of 4", table.Footer(Fixtures.Now));
    }

    [Fact]
    public void Sorting_a_column_again_reverses_it_and_a_third_time_returns_to_the_services_order()
    {
        var table = Accounts();

        table.SortBy(0);
        Assert.Equal(["home", "legacy", "spare", "work"], table.Visible(Fixtures.Now).Select(a => a.Name));
        Assert.Equal("Name▲", table.HeaderOf(0));

        table.SortBy(0);
        Assert.Equal(["work", "spare", "legacy", "home"], table.Visible(Fixtures.Now).Select(a => a.Name));
        Assert.Equal("Name▼", table.HeaderOf(0));
        Assert.Equal("Sorted by Name, descending.", table.SortDescription);

        table.SortBy(0);
        Assert.Null(table.SortColumn);
        Assert.Equal(["work", "home", "legacy", "spare"], table.Visible(Fixtures.Now).Select(a => a.Name));
    }

    [Fact]
    public void Another_column_sorts_ascending_and_empty_cells_stay_last_either_way()
    {
        var table = Accounts();
        table.Replace([.. Fixtures.Accounts, Fixtures.Account("never", expiresIn: TimeSpan.Zero) with { LastUsed = null }]);
        const int lastUsed = 7;

        table.SortBy(3);
        table.SortBy(lastUsed);
        Assert.False(table.SortDescending);
        Assert.Equal("never", table.Visible(Fixtures.Now)[^1].Name);

        table.SortBy(lastUsed);
        Assert.True(table.SortDescending);
        Assert.Equal("never", table.Visible(Fixtures.Now)[^1].Name);
    }

    [Fact]
    public void A_failed_load_keeps_the_rows_and_says_why()
    {
        var table = Accounts();

        table.Fail("cannot reach the service: Connection refused");

        Assert.Equal(4, table.All.Count);
        Assert.Equal("cannot reach the service: Connection refused", table.Footer(Fixtures.Now));
    }

    [Fact]
    public void An_empty_table_says_loading_until_the_first_answer()
    {
        var model = new ConsoleViewModel(new FakeConsoleData(), new FakeTimeProvider(Fixtures.Now), new ConsoleOptions());

        Assert.Equal("loading…", model.Images.Footer(Fixtures.Now));
        model.Images.Replace([]);
        Assert.Equal("no images yet", model.Images.Footer(Fixtures.Now));
    }

    [Fact]
    public void A_reload_with_the_same_rows_changes_nothing_so_nothing_redraws()
    {
        var table = Accounts();
        var version = table.Version;

        table.Replace([.. Fixtures.Accounts]);
        table.Fail("cannot reach the service");
        table.Fail("cannot reach the service");
        Assert.Equal(version + 1, table.Version);

        table.Replace([.. Fixtures.Accounts.Skip(1)]);
        Assert.Equal(version + 2, table.Version);
    }
}
