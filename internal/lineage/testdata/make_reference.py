# Computes the reference hashes that lineage_test.go checks, with Python's
# hashlib (independent of Go's crypto): /usr/bin/python3 make_reference.py
import hashlib, json
ref = {
    "train.csv": "sha256:" + hashlib.sha256(open("train.csv", "rb").read()).hexdigest(),
    "tracked.csv.md5": hashlib.md5(open("tracked.csv", "rb").read()).hexdigest(),
}
json.dump(ref, open("reference.json", "w"), indent=2, sort_keys=True)
