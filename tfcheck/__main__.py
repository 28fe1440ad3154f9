from tfcheck.entry import main

main()
