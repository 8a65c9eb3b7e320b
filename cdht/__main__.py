from cdht.cli.app import main

main()
