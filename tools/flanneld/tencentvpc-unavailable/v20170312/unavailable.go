// Package v20170312 declares the few names flannel's tencentvpc backend uses, so flanneld links
// without the Tencent Cloud VPC SDK (not served by the Go module proxy). Every call fails: the
// tencentvpc backend is not available in overlab's flanneld build; the vxlan backend is upstream's.
package v20170312

import "errors"

var errUnavailable = errors.New("the tencentvpc backend is not part of this flanneld build (its SDK is not served by the Go module proxy); use the vxlan backend")

type Filter struct {
	Name   *string
	Values []*string
}

type Route struct {
	DestinationCidrBlock *string
	GatewayType          *string
	GatewayId            *string
	RouteType            *string
	Enabled              *bool
	RouteId              *uint64
}

type RouteTable struct {
	RouteTableId *string
	RouteSet     []*Route
}

type DescribeRouteTablesRequest struct{ Filters []*Filter }
type DescribeRouteTablesResponse struct {
	Response *struct{ RouteTableSet []*RouteTable }
}
type DeleteRoutesRequest struct {
	RouteTableId *string
	Routes       []*Route
}
type DeleteRoutesResponse struct{}
type CreateRoutesRequest struct {
	RouteTableId *string
	Routes       []*Route
}
type CreateRoutesResponse struct{}

type Client struct{}

func NewClientWithSecretId(secretId, secretKey, region string) (*Client, error) { return nil, errUnavailable }
func NewDescribeRouteTablesRequest() *DescribeRouteTablesRequest                { return &DescribeRouteTablesRequest{} }
func NewDeleteRoutesRequest() *DeleteRoutesRequest                              { return &DeleteRoutesRequest{} }
func NewCreateRoutesRequest() *CreateRoutesRequest                              { return &CreateRoutesRequest{} }

func (c *Client) DescribeRouteTables(*DescribeRouteTablesRequest) (*DescribeRouteTablesResponse, error) {
	return nil, errUnavailable
}
func (c *Client) DeleteRoutes(*DeleteRoutesRequest) (*DeleteRoutesResponse, error) { return nil, errUnavailable }
func (c *Client) CreateRoutes(*CreateRoutesRequest) (*CreateRoutesResponse, error) { return nil, errUnavailable }
