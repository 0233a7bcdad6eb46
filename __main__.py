"""Entry point the Pulumi Python language host runs for this plugin (see PulumiPlugin.yaml)."""

from pulumi_wid.provider import main

if __name__ == "__main__":
    main()
