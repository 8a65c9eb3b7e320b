from cdht.cli import main

main()
