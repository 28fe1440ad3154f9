from tfcheck.cli import main

main()
