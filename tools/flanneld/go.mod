// Builds upstream flanneld at the pinned tag (scripts/build-flanneld.sh): `go build
// github.com/flannel-io/flannel` in this module. The only replacement is the Tencent Cloud VPC
// SDK, which the Go module proxy does not serve (see tencentvpc-unavailable/).
module overlab.local/flanneld-build

go 1.25.9

require github.com/flannel-io/flannel v0.28.9

replace github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/vpc => ./tencentvpc-unavailable
