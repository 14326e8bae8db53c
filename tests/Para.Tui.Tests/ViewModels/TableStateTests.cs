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
    public void Sort_cycles_columns_then_returns_to_the_services_order()
    {
        var table = Accounts();

        table.CycleSort();
        Assert.Equal(["home", "legacy", "spare", "work"], table.Visible(Fixtures.Now).Select(a => a.Name));
        table.CycleSort();
        table.CycleSort();
        table.CycleSort();
        Assert.Equal("Status▲", table.HeaderOf(3));
        Assert.Equal(["work", "home", "legacy", "spare"], table.Visible(Fixtures.Now).Select(a => a.Name));
        table.CycleSort();
        Assert.Equal(["legacy", "home", "spare", "work"], table.Visible(Fixtures.Now).Select(a => a.Name));

        for (var i = 0; i < table.Columns.Count - 4; i++)
        {
            table.CycleSort();
        }

        Assert.Null(table.SortColumn);
        Assert.Equal(["work", "home", "legacy", "spare"], table.Visible(Fixtures.Now).Select(a => a.Name));
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
