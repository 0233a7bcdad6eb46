pytest_plugins = ["pulumi_wid.testing"]
